CREATE TABLE "advisor_recommendations" (
	"id" uuid PRIMARY KEY NOT NULL,
	"candidate_id" uuid NOT NULL,
	"requested_by" text NOT NULL,
	"title" text NOT NULL,
	"why" text NOT NULL,
	"priority" text NOT NULL,
	"owner_role" text NOT NULL,
	"evidence" jsonb NOT NULL,
	"answered_by" jsonb NOT NULL,
	"task_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "advisor_recommendations_priority_check" CHECK (priority IN ('low', 'medium', 'high', 'urgent'))
);
--> statement-breakpoint
ALTER TABLE "advisor_recommendations" ADD CONSTRAINT "advisor_recommendations_candidate_id_candidates_id_fk" FOREIGN KEY ("candidate_id") REFERENCES "public"."candidates"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "advisor_recommendations" ADD CONSTRAINT "advisor_recommendations_task_id_team_tasks_id_fk" FOREIGN KEY ("task_id") REFERENCES "public"."team_tasks"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "advisor_recommendations_created_idx" ON "advisor_recommendations" USING btree ("created_at");