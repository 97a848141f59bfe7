ALTER TABLE "x_reads" ADD COLUMN "users_read" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "x_refresh_jobs" ADD COLUMN "parked_at" timestamp with time zone;