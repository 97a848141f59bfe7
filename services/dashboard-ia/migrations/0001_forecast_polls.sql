CREATE TABLE "poll_imports" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"content_hash" text NOT NULL,
	"contest" text NOT NULL,
	"imported_by" text NOT NULL,
	"polls" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "poll_imports_content_hash_unique" UNIQUE("content_hash")
);
--> statement-breakpoint
CREATE TABLE "poll_shares" (
	"poll_id" uuid NOT NULL,
	"option" text NOT NULL,
	"candidate_id" uuid,
	"share" double precision NOT NULL,
	CONSTRAINT "poll_shares_poll_id_option_pk" PRIMARY KEY("poll_id","option"),
	CONSTRAINT "poll_shares_share_check" CHECK (share >= 0 AND share <= 100)
);
--> statement-breakpoint
CREATE TABLE "polls" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"import_id" uuid NOT NULL,
	"contest" text NOT NULL,
	"pollster" text NOT NULL,
	"field_start" date NOT NULL,
	"field_end" date NOT NULL,
	"sample_size" integer NOT NULL,
	"source" text,
	"line" integer NOT NULL,
	CONSTRAINT "polls_sample_size_check" CHECK (sample_size > 0),
	CONSTRAINT "polls_field_check" CHECK (field_start <= field_end)
);
--> statement-breakpoint
ALTER TABLE "poll_shares" ADD CONSTRAINT "poll_shares_poll_id_polls_id_fk" FOREIGN KEY ("poll_id") REFERENCES "public"."polls"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "poll_shares" ADD CONSTRAINT "poll_shares_candidate_id_candidates_id_fk" FOREIGN KEY ("candidate_id") REFERENCES "public"."candidates"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "polls" ADD CONSTRAINT "polls_import_id_poll_imports_id_fk" FOREIGN KEY ("import_id") REFERENCES "public"."poll_imports"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "polls_contest_idx" ON "polls" USING btree ("contest","field_end");