import { PASSWORD_MIN_LENGTH, passwordSchema, registerResponseSchema } from '@castor/contracts';
import { Button, Center, Paper, PasswordInput, Stack, Text, TextInput, Title } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { useLocation, useNavigate } from 'react-router';
import { coreApi } from '../../api/core';
import { request } from '../../api/http';
import { ErrorMessage } from '../../components/ErrorMessage';
import { READABLE_DESCRIPTION } from '../../components/readable-description';
import { readRegistrationLink } from '../../components/registration-link';
import { t } from '../../i18n/es-CO';

/**
 * Public: a person invited by an administrator creates their account with the invitation (from
 * the link's fragment, or pasted), then is signed in and sent to their first page.
 */
export function RegisterPage() {
  const navigate = useNavigate();
  const fromLink = readRegistrationLink(useLocation().hash);
  const [invitationToken, setInvitationToken] = useState(fromLink.invitationToken);
  const [email, setEmail] = useState(fromLink.email);
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [problems, setProblems] = useState<{ token?: string; email?: string; name?: string; password?: string }>({});
  const [error, setError] = useState<unknown>(null);
  const [submitting, setSubmitting] = useState(false);
  const words = t.register;

  async function submit(event: FormEvent) {
    event.preventDefault();
    const found = {
      ...(invitationToken.trim() ? {} : { token: words.tokenRequired }),
      ...(email.trim() ? {} : { email: t.signIn.emailRequired }),
      ...(name.trim() ? {} : { name: words.nameRequired }),
      ...(passwordSchema.safeParse(password).success ? {} : { password: words.passwordRule(PASSWORD_MIN_LENGTH) }),
    };
    setProblems(found);
    if (Object.keys(found).length > 0) return;
    setSubmitting(true);
    setError(null);
    try {
      const credentials = { email: email.trim(), password };
      await request('/api/auth/register', {
        method: 'POST',
        body: { ...credentials, name: name.trim(), invitationToken: invitationToken.trim() },
        schema: registerResponseSchema,
        auth: false,
      });
      await coreApi.signIn(credentials);
      navigate('/', { replace: true });
    } catch (failure) {
      setError(failure);
      setSubmitting(false);
    }
  }

  return (
    <Center mih="100vh" p="md" component="main">
      <Paper withBorder shadow="sm" p="xl" radius="md" w="100%" maw={460}>
        <form onSubmit={submit} noValidate>
          <Stack>
            <Title order={1} size="h2">
              {words.title}
            </Title>
            <Text size="sm">{words.intro}</Text>
            {error !== null && <ErrorMessage error={error} />}
            {!fromLink.invitationToken && (
              <TextInput
                label={words.token}
                styles={READABLE_DESCRIPTION}
                description={words.tokenHint}
                required
                value={invitationToken}
                onChange={(event) => setInvitationToken(event.currentTarget.value)}
                error={problems.token}
              />
            )}
            <TextInput
              label={t.signIn.email}
              styles={READABLE_DESCRIPTION}
              description={words.emailHint}
              type="email"
              autoComplete="username"
              required
              value={email}
              onChange={(event) => setEmail(event.currentTarget.value)}
              error={problems.email}
            />
            <TextInput
              label={words.name}
              autoComplete="name"
              required
              value={name}
              onChange={(event) => setName(event.currentTarget.value)}
              error={problems.name}
            />
            <PasswordInput
              label={t.signIn.password}
              styles={READABLE_DESCRIPTION}
              description={words.passwordRule(PASSWORD_MIN_LENGTH)}
              autoComplete="new-password"
              required
              value={password}
              onChange={(event) => setPassword(event.currentTarget.value)}
              error={problems.password}
            />
            <Button type="submit" loading={submitting}>
              {words.submit}
            </Button>
          </Stack>
        </form>
      </Paper>
    </Center>
  );
}
