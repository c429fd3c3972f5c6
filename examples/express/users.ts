/**
 * Demo users and password checking. ADAPT: this is your existing user database and
 * password hashing (argon2id or scrypt). mfakit only needs a stable user id and to know
 * who is an admin.
 * @module
 */
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

/** A user as the rest of the app sees it (no password). */
export interface User {
  readonly id: string;
  readonly username: string;
  readonly name: string;
  readonly role: 'admin' | 'user';
}

/** A demo user: a password and, optionally, an SMS number and an email address enrolled at start-up. */
export interface DemoUser extends User {
  readonly password: string;
  /** E.164 number seeded as an active SMS factor, so sign-in asks for a code at once. */
  readonly phone?: string;
  /** Address seeded as an active email factor (where codes go when SMS is switched off). */
  readonly email?: string;
}

/**
 * One admin and two users. Alice has a number and an email address already; Bob has
 * neither, so he is asked to set one up after signing in. The numbers are fictional (555) but valid US mobile-or-fixed
 * numbers, which libphonenumber cannot tell apart in North America.
 */
export const DEMO_USERS: readonly DemoUser[] = [
  { id: 'u_admin', username: 'admin', name: 'Ada Admin', role: 'admin', password: 'admin-demo-pass', phone: '+14155552671' },
  { id: 'u_alice', username: 'alice', name: 'Alice Example', role: 'user', password: 'alice-demo-pass', phone: '+12025550147', email: 'alice@example.com' },
  { id: 'u_bob', username: 'bob', name: 'Bob Example', role: 'user', password: 'bob-demo-pass' },
];

interface Stored {
  readonly user: User;
  readonly salt: Buffer;
  readonly hash: Buffer;
}

const KEY_LENGTH = 32;

function scryptAsync(password: string, salt: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFKC'), salt, KEY_LENGTH, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

/** The user directory: look-ups by id and password checks. */
export class UserDirectory {
  readonly #byId = new Map<string, Stored>();
  readonly #byUsername = new Map<string, Stored>();
  // Checked when the username is unknown, so an unknown user costs the same time as a
  // wrong password: response time must not reveal whether a user exists.
  readonly #dummy: Stored;

  private constructor(entries: Stored[], dummy: Stored) {
    for (const e of entries) {
      this.#byId.set(e.user.id, e);
      this.#byUsername.set(e.user.username.toLowerCase(), e);
    }
    this.#dummy = dummy;
  }

  /** Hashes the demo passwords (done once, at start-up). */
  static async create(users: readonly DemoUser[]): Promise<UserDirectory> {
    const hashOf = async (password: string) => {
      const salt = randomBytes(16);
      return { salt, hash: await scryptAsync(password, salt) };
    };
    const entries = await Promise.all(
      users.map(async ({ id, username, name, role, password }) => ({ user: { id, username, name, role }, ...(await hashOf(password)) })),
    );
    const dummy = { user: { id: '', username: '', name: '', role: 'user' as const }, ...(await hashOf(randomBytes(16).toString('hex'))) };
    return new UserDirectory(entries, dummy);
  }

  /** The user when the password is right, else `null`: the same answer, and about the same time, for an unknown user. */
  async authenticate(username: string, password: string): Promise<User | null> {
    const found = this.#byUsername.get(username.trim().toLowerCase());
    const entry = found ?? this.#dummy;
    const hash = await scryptAsync(password, entry.salt);
    const match = timingSafeEqual(hash, entry.hash);
    return found && match ? found.user : null;
  }

  get(id: string): User | undefined {
    return this.#byId.get(id)?.user;
  }

  list(): User[] {
    return [...this.#byId.values()].map((e) => e.user);
  }

  isAdmin(id: string): boolean {
    return this.get(id)?.role === 'admin';
  }
}
