import { timestamp, uuid } from 'drizzle-orm/pg-core';

/** Column helpers every aggregate's tables share; builders are functions (drizzle binds one to one table). */
export const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();
export const updatedAt = () => timestamp('updated_at', { withTimezone: true }).notNull().defaultNow();
export const uuidId = () => uuid('id').primaryKey().defaultRandom();
