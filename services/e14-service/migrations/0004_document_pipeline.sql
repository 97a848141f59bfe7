CREATE TABLE "e14_document_files" (
	"sha256" text PRIMARY KEY NOT NULL,
	"media_type" text NOT NULL,
	"size_bytes" bigint NOT NULL,
	"content" "bytea" NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "e14_documents" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"election_code" text NOT NULL,
	"corporation" text,
	"mesa_key" text,
	"copy" text,
	"origin_url" text,
	"sha256" text,
	"state" text DEFAULT 'queued' NOT NULL,
	"stage" text DEFAULT 'queued' NOT NULL,
	"priority" integer DEFAULT 0 NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"max_attempts" integer NOT NULL,
	"run_after" timestamp with time zone DEFAULT now() NOT NULL,
	"lease_owner" text,
	"lease_until" timestamp with time zone,
	"error_code" text,
	"error_message" text,
	"errors" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"reading" jsonb,
	"submission" jsonb,
	"form_id" bigint,
	"intake_outcome" text,
	"submitted_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone,
	CONSTRAINT "e14_documents_kind_check" CHECK (kind IN ('upload', 'url', 'registraduria')),
	CONSTRAINT "e14_documents_state_check" CHECK (state IN ('queued', 'processing', 'done', 'failed', 'dead'))
);
--> statement-breakpoint
CREATE TABLE "ocr_usage" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"provider" text NOT NULL,
	"model" text NOT NULL,
	"subject" text,
	"input_tokens" integer NOT NULL,
	"output_tokens" integer NOT NULL,
	"cost_usd" real,
	"cached" boolean NOT NULL,
	"outcome" text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX "e14_documents_upload_sha_key" ON "e14_documents" USING btree ("election_code","sha256") WHERE kind <> 'registraduria';--> statement-breakpoint
CREATE UNIQUE INDEX "e14_documents_open_mesa_key" ON "e14_documents" USING btree ("election_code","corporation","mesa_key") WHERE kind = 'registraduria' AND state IN ('queued', 'processing');--> statement-breakpoint
CREATE INDEX "e14_documents_claim_idx" ON "e14_documents" USING btree ("state","priority","id");--> statement-breakpoint
CREATE INDEX "ocr_usage_at_idx" ON "ocr_usage" USING btree ("at");