export const REGISTER_PATH = '/registro';

/**
 * The link an invited person opens to register. The token and the email travel in the fragment,
 * which the browser never sends to a server, so no access log or proxy keeps the token.
 */
export function registrationLink(origin: string, invitationToken: string, email: string): string {
  return `${origin}${REGISTER_PATH}#${new URLSearchParams({ invitacion: invitationToken, correo: email })}`;
}

/** What a registration link carries, read from the fragment of the page's URL. */
export function readRegistrationLink(hash: string): { invitationToken: string; email: string } {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  return { invitationToken: params.get('invitacion') ?? '', email: params.get('correo') ?? '' };
}
