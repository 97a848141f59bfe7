CREATE TABLE "recognizer_training_cells" (
	"task_id" bigint PRIMARY KEY NOT NULL,
	"split" text NOT NULL,
	"value" integer,
	"width" integer NOT NULL,
	"height" integer NOT NULL,
	"pixels" "bytea" NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "recognizer_training_cells_split_check" CHECK (split IN ('train', 'calibration', 'held_back'))
);
--> statement-breakpoint
CREATE TABLE "recognizer_training_runs" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"status" text DEFAULT 'running' NOT NULL,
	"trigger" text NOT NULL,
	"requested_by" text NOT NULL,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone,
	"base_version" integer NOT NULL,
	"candidate_version" integer,
	"labels_through_task_id" bigint NOT NULL,
	"new_labels" integer NOT NULL,
	"cells" jsonb,
	"train_seconds" real,
	"reread_closed" integer DEFAULT 0 NOT NULL,
	"reason" text,
	CONSTRAINT "recognizer_training_runs_status_check" CHECK (status IN ('running', 'promoted', 'rejected', 'skipped', 'failed')),
	CONSTRAINT "recognizer_training_runs_trigger_check" CHECK (trigger IN ('cadence', 'manual'))
);
--> statement-breakpoint
ALTER TABLE "review_tasks" DROP CONSTRAINT "review_tasks_resolution_check";--> statement-breakpoint
ALTER TABLE "recognizer_training_cells" ADD CONSTRAINT "recognizer_training_cells_task_id_review_tasks_id_fk" FOREIGN KEY ("task_id") REFERENCES "public"."review_tasks"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "recognizer_training_runs_started_idx" ON "recognizer_training_runs" USING btree ("started_at");--> statement-breakpoint
ALTER TABLE "review_tasks" ADD CONSTRAINT "review_tasks_resolution_check" CHECK (resolution IN ('consensus', 'admin', 'model'));