CREATE TABLE "recognizer_models" (
	"version" integer PRIMARY KEY NOT NULL,
	"model" jsonb NOT NULL,
	"sha256" text NOT NULL,
	"source" text NOT NULL,
	"status" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"promoted_at" timestamp with time zone,
	"evaluation" jsonb,
	"learned_from_cells" integer DEFAULT 0 NOT NULL,
	"note" text DEFAULT '' NOT NULL,
	CONSTRAINT "recognizer_models_source_check" CHECK (source IN ('bundled', 'trained')),
	CONSTRAINT "recognizer_models_status_check" CHECK (status IN ('active', 'retired', 'rejected', 'candidate'))
);
--> statement-breakpoint
ALTER TABLE "e14_fields" ADD COLUMN "model_version" integer;--> statement-breakpoint
CREATE UNIQUE INDEX "recognizer_models_one_active" ON "recognizer_models" USING btree ("status") WHERE status = 'active';