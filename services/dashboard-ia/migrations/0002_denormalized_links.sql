ALTER TABLE "post_candidates" ADD COLUMN "author_id" text NOT NULL;--> statement-breakpoint
ALTER TABLE "post_candidates" ADD COLUMN "engagement" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "post_candidates" ADD COLUMN "sentiment_label" text;--> statement-breakpoint
ALTER TABLE "post_candidates" ADD COLUMN "author_suspected_bot" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "post_candidates" ADD COLUMN "hashtags" text[];--> statement-breakpoint
ALTER TABLE "posts" ADD COLUMN "hashtags" text[];--> statement-breakpoint
CREATE INDEX "post_candidates_author_idx" ON "post_candidates" USING btree ("author_id");--> statement-breakpoint
CREATE INDEX "post_candidates_posted_at_idx" ON "post_candidates" USING btree ("posted_at");