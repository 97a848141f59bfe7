ALTER TABLE "e14_documents" DROP CONSTRAINT "e14_documents_state_check";--> statement-breakpoint
ALTER TABLE "review_tasks" DROP CONSTRAINT "review_tasks_status_check";--> statement-breakpoint
ALTER TABLE "e14_documents" ADD COLUMN "quarantine_released" boolean DEFAULT false NOT NULL;--> statement-breakpoint
CREATE INDEX "e14_documents_sender_finished_idx" ON "e14_documents" USING btree ("submitted_by","finished_at");--> statement-breakpoint
ALTER TABLE "e14_documents" ADD CONSTRAINT "e14_documents_state_check" CHECK (state IN ('queued', 'processing', 'done', 'failed', 'dead', 'quarantined', 'replaced'));--> statement-breakpoint
ALTER TABLE "review_tasks" ADD CONSTRAINT "review_tasks_status_check" CHECK (status IN ('pending', 'escalated', 'done', 'cancelled'));