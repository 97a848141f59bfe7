import {
  type AuthResponse,
  authResponseSchema,
  type LoginRequest,
  okResponseSchema,
  type User,
  userSchema,
} from '@castor/contracts';
import { request } from './http';
import { session } from './session';

/** core-service: sign-in, the signed-in person, sign-out. */
export const coreApi = {
  async signIn(credentials: LoginRequest): Promise<AuthResponse> {
    const auth = await request('/api/auth/login', {
      method: 'POST',
      body: credentials,
      schema: authResponseSchema,
      auth: false,
    });
    session.start(auth);
    return auth;
  },

  me(): Promise<User> {
    return request('/api/auth/me', { schema: userSchema });
  },

  /** Signs out this session on the server (access token and refresh family), then here. */
  async signOut(): Promise<void> {
    try {
      await request('/api/auth/logout', {
        method: 'POST',
        body: { refreshToken: session.refreshToken() ?? undefined },
        schema: okResponseSchema,
      });
    } finally {
      session.end('signed-out');
    }
  },
};
