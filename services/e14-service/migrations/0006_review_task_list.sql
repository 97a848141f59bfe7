DROP INDEX "review_tasks_status_idx";--> statement-breakpoint
CREATE INDEX "review_tasks_status_id_idx" ON "review_tasks" USING btree ("status","id");