import { Alert, Button, Center, Paper, PasswordInput, Stack, Text, TextInput, Title } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { Navigate, useLocation, useNavigate } from 'react-router';
import { coreApi } from '../../api/core';
import { type SessionEnd, useSession } from '../../api/session';
import { ErrorMessage } from '../../components/ErrorMessage';
import { t } from '../../i18n/es-CO';

/** What a guarded page hands the sign-in page: where to go back to, and why the session is gone. */
export interface SignInState {
  from?: string;
  reason?: SessionEnd;
}

export function SignInPage() {
  const current = useSession();
  const navigate = useNavigate();
  const state = (useLocation().state ?? {}) as SignInState;
  const back = state.from?.startsWith('/') && !state.from.startsWith('//') ? state.from : '/';
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [missing, setMissing] = useState<{ email?: string; password?: string }>({});
  const [error, setError] = useState<unknown>(null);
  const [submitting, setSubmitting] = useState(false);

  if (current && !submitting) return <Navigate to={back} replace />;

  async function submit(event: FormEvent) {
    event.preventDefault();
    const problems = {
      ...(email.trim() ? {} : { email: t.signIn.emailRequired }),
      ...(password ? {} : { password: t.signIn.passwordRequired }),
    };
    setMissing(problems);
    if (Object.keys(problems).length > 0) return;
    setSubmitting(true);
    setError(null);
    try {
      await coreApi.signIn({ email: email.trim(), password });
      navigate(back, { replace: true });
    } catch (failure) {
      setError(failure);
      setSubmitting(false);
    }
  }

  return (
    <Center mih="100vh" p="md" component="main">
      <Paper withBorder shadow="sm" p="xl" radius="md" w="100%" maw={420}>
        <form onSubmit={submit} noValidate>
          <Stack>
            <Title order={1} size="h2">
              {t.signIn.title}
            </Title>
            <Text size="sm">{t.signIn.intro}</Text>
            {state.reason === 'expired' && !error && (
              <Alert color="orange" role="status">
                {t.signIn.sessionEnded}
              </Alert>
            )}
            {state.reason === 'signed-out' && !error && <Alert role="status">{t.signIn.signedOut}</Alert>}
            {error !== null && <ErrorMessage error={error} />}
            <TextInput
              label={t.signIn.email}
              type="email"
              autoComplete="username"
              required
              value={email}
              onChange={(event) => setEmail(event.currentTarget.value)}
              error={missing.email}
            />
            <PasswordInput
              label={t.signIn.password}
              autoComplete="current-password"
              required
              value={password}
              onChange={(event) => setPassword(event.currentTarget.value)}
              error={missing.password}
            />
            <Button type="submit" loading={submitting}>
              {submitting ? t.signIn.submitting : t.signIn.submit}
            </Button>
          </Stack>
        </form>
      </Paper>
    </Center>
  );
}
