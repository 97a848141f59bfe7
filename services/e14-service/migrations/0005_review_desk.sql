CREATE TABLE "review_entries" (
	"task_id" bigint NOT NULL,
	"reviewer_id" text NOT NULL,
	"reviewer_role" text NOT NULL,
	"state" text NOT NULL,
	"value" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "review_entries_task_id_reviewer_id_pk" PRIMARY KEY("task_id","reviewer_id"),
	CONSTRAINT "review_entries_state_check" CHECK (state IN ('read', 'empty', 'illegible'))
);
--> statement-breakpoint
CREATE TABLE "reviewed_forms" (
	"form_id" bigint PRIMARY KEY NOT NULL,
	"submission" jsonb NOT NULL,
	"state" text DEFAULT 'pending' NOT NULL,
	"reviewed_form_id" bigint,
	"error" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "reviewed_forms_state_check" CHECK (state IN ('pending', 'stored', 'refused'))
);
--> statement-breakpoint
ALTER TABLE "review_tasks" DROP CONSTRAINT "review_tasks_status_check";--> statement-breakpoint
ALTER TABLE "review_tasks" ADD COLUMN "resolved_state" text;--> statement-breakpoint
ALTER TABLE "review_tasks" ADD COLUMN "resolved_value" integer;--> statement-breakpoint
ALTER TABLE "review_tasks" ADD COLUMN "resolution" text;--> statement-breakpoint
ALTER TABLE "review_tasks" ADD COLUMN "resolved_by" text;--> statement-breakpoint
ALTER TABLE "review_entries" ADD CONSTRAINT "review_entries_task_id_review_tasks_id_fk" FOREIGN KEY ("task_id") REFERENCES "public"."review_tasks"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reviewed_forms" ADD CONSTRAINT "reviewed_forms_form_id_e14_forms_id_fk" FOREIGN KEY ("form_id") REFERENCES "public"."e14_forms"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "review_entries_reviewer_idx" ON "review_entries" USING btree ("reviewer_id");--> statement-breakpoint
CREATE INDEX "reviewed_forms_pending_idx" ON "reviewed_forms" USING btree ("state");--> statement-breakpoint
ALTER TABLE "review_tasks" ADD CONSTRAINT "review_tasks_resolved_state_check" CHECK (resolved_state IN ('read', 'empty', 'illegible'));--> statement-breakpoint
ALTER TABLE "review_tasks" ADD CONSTRAINT "review_tasks_resolution_check" CHECK (resolution IN ('consensus', 'admin'));--> statement-breakpoint
ALTER TABLE "review_tasks" ADD CONSTRAINT "review_tasks_status_check" CHECK (status IN ('pending', 'escalated', 'done'));