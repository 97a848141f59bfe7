CREATE TABLE "analyses" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"kind" text NOT NULL,
	"requested_by" text NOT NULL,
	"request" jsonb NOT NULL,
	"result" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "analyses_kind_check" CHECK (kind IN ('media', 'campaign', 'rivals'))
);
--> statement-breakpoint
CREATE TABLE "bot_scores" (
	"author_id" text NOT NULL,
	"model" text NOT NULL,
	"version" text NOT NULL,
	"likelihood" real NOT NULL,
	"suspected" boolean NOT NULL,
	"drivers" jsonb NOT NULL,
	"scored_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "bot_scores_author_id_model_version_pk" PRIMARY KEY("author_id","model","version")
);
--> statement-breakpoint
CREATE TABLE "sentiment_models" (
	"version" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"file" jsonb NOT NULL,
	"report" jsonb NOT NULL,
	"active" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sentiment_scores" (
	"post_id" text NOT NULL,
	"model" text NOT NULL,
	"version" text NOT NULL,
	"label" text NOT NULL,
	"score" real NOT NULL,
	"scored_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "sentiment_scores_post_id_model_version_pk" PRIMARY KEY("post_id","model","version"),
	CONSTRAINT "sentiment_scores_label_check" CHECK (label IN ('negative', 'neutral', 'positive'))
);
--> statement-breakpoint
CREATE TABLE "candidates" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"slug" text NOT NULL,
	"name" text NOT NULL,
	"party" text,
	"own" boolean DEFAULT false NOT NULL,
	"color" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "tracked_queries" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"candidate_id" uuid,
	"kind" text NOT NULL,
	"value" text NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "tracked_queries_kind_check" CHECK (kind IN ('term', 'hashtag', 'account'))
);
--> statement-breakpoint
CREATE TABLE "authors" (
	"id" text PRIMARY KEY NOT NULL,
	"username" text NOT NULL,
	"name" text,
	"account_created_at" timestamp with time zone,
	"description" text,
	"location" text,
	"url" text,
	"profile_image_url" text,
	"protected" boolean,
	"verified" boolean,
	"verified_type" text,
	"followers" integer,
	"following" integer,
	"tweets" integer,
	"listed" integer,
	"bot_likelihood" real,
	"bot_suspected" boolean,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "post_candidates" (
	"candidate_id" uuid NOT NULL,
	"posted_at" timestamp with time zone NOT NULL,
	"post_id" text NOT NULL,
	"author_id" text NOT NULL,
	"engagement" integer DEFAULT 0 NOT NULL,
	"sentiment_label" text,
	"author_suspected_bot" boolean DEFAULT false NOT NULL,
	"hashtags" text[],
	CONSTRAINT "post_candidates_candidate_id_posted_at_post_id_pk" PRIMARY KEY("candidate_id","posted_at","post_id")
);
--> statement-breakpoint
CREATE TABLE "post_imports" (
	"id" text PRIMARY KEY NOT NULL,
	"content_hash" text NOT NULL,
	"format" text NOT NULL,
	"imported_by" text NOT NULL,
	"counts" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "post_imports_content_hash_unique" UNIQUE("content_hash")
);
--> statement-breakpoint
CREATE TABLE "posts" (
	"id" text PRIMARY KEY NOT NULL,
	"author_id" text NOT NULL,
	"text" text NOT NULL,
	"posted_at" timestamp with time zone NOT NULL,
	"lang" text,
	"likes" integer DEFAULT 0 NOT NULL,
	"reposts" integer DEFAULT 0 NOT NULL,
	"replies" integer DEFAULT 0 NOT NULL,
	"quotes" integer DEFAULT 0 NOT NULL,
	"source" text NOT NULL,
	"text_hash" text NOT NULL,
	"sentiment_label" text,
	"sentiment_score" real,
	"sentiment_model" text,
	"author_suspected_bot" boolean DEFAULT false NOT NULL,
	"hashtags" text[],
	"ingested_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "posts_source_check" CHECK (source IN ('x', 'import')),
	CONSTRAINT "posts_sentiment_label_check" CHECK (sentiment_label IN ('negative', 'neutral', 'positive'))
);
--> statement-breakpoint
CREATE TABLE "team_members" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" text,
	"name" text NOT NULL,
	"email" text,
	"role" text NOT NULL,
	"territory" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "team_members_user_id_unique" UNIQUE("user_id"),
	CONSTRAINT "team_members_role_check" CHECK (role IN ('coordinator', 'analyst', 'communications', 'field', 'volunteer'))
);
--> statement-breakpoint
CREATE TABLE "team_tasks" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"title" text NOT NULL,
	"description" text,
	"status" text DEFAULT 'todo' NOT NULL,
	"priority" text DEFAULT 'medium' NOT NULL,
	"owner_id" uuid,
	"territory" text,
	"due_date" date,
	"origin" jsonb,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "team_tasks_status_check" CHECK (status IN ('todo', 'in_progress', 'blocked', 'done')),
	CONSTRAINT "team_tasks_priority_check" CHECK (priority IN ('low', 'medium', 'high', 'urgent'))
);
--> statement-breakpoint
CREATE TABLE "spike_alerts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"candidate_id" uuid,
	"kind" text NOT NULL,
	"term" text NOT NULL,
	"window" text NOT NULL,
	"window_start" timestamp with time zone NOT NULL,
	"volume" integer NOT NULL,
	"baseline" real NOT NULL,
	"z_score" real NOT NULL,
	"authors" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "spike_alerts_kind_check" CHECK (kind IN ('term', 'hashtag', 'topic', 'volume'))
);
--> statement-breakpoint
CREATE TABLE "topics" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"label" text NOT NULL,
	"terms" jsonb NOT NULL,
	"posts" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "x_reads" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"day" date NOT NULL,
	"endpoint" text NOT NULL,
	"query" text,
	"reserved" integer NOT NULL,
	"used" integer,
	"users_read" integer DEFAULT 0 NOT NULL,
	"status" text DEFAULT 'reserved' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"settled_at" timestamp with time zone,
	CONSTRAINT "x_reads_status_check" CHECK (status IN ('reserved', 'settled', 'failed'))
);
--> statement-breakpoint
CREATE TABLE "x_refresh_jobs" (
	"query_id" uuid PRIMARY KEY NOT NULL,
	"due_at" timestamp with time zone DEFAULT now() NOT NULL,
	"leased_until" timestamp with time zone,
	"attempts" integer DEFAULT 0 NOT NULL,
	"since_id" text,
	"last_error" text,
	"last_run_at" timestamp with time zone,
	"parked_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "bot_scores" ADD CONSTRAINT "bot_scores_author_id_authors_id_fk" FOREIGN KEY ("author_id") REFERENCES "public"."authors"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sentiment_scores" ADD CONSTRAINT "sentiment_scores_post_id_posts_id_fk" FOREIGN KEY ("post_id") REFERENCES "public"."posts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tracked_queries" ADD CONSTRAINT "tracked_queries_candidate_id_candidates_id_fk" FOREIGN KEY ("candidate_id") REFERENCES "public"."candidates"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "post_candidates" ADD CONSTRAINT "post_candidates_candidate_id_candidates_id_fk" FOREIGN KEY ("candidate_id") REFERENCES "public"."candidates"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "post_candidates" ADD CONSTRAINT "post_candidates_post_id_posts_id_fk" FOREIGN KEY ("post_id") REFERENCES "public"."posts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "posts" ADD CONSTRAINT "posts_author_id_authors_id_fk" FOREIGN KEY ("author_id") REFERENCES "public"."authors"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "team_tasks" ADD CONSTRAINT "team_tasks_owner_id_team_members_id_fk" FOREIGN KEY ("owner_id") REFERENCES "public"."team_members"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "spike_alerts" ADD CONSTRAINT "spike_alerts_candidate_id_candidates_id_fk" FOREIGN KEY ("candidate_id") REFERENCES "public"."candidates"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "x_refresh_jobs" ADD CONSTRAINT "x_refresh_jobs_query_id_tracked_queries_id_fk" FOREIGN KEY ("query_id") REFERENCES "public"."tracked_queries"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "analyses_created_idx" ON "analyses" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "analyses_requested_by_created_idx" ON "analyses" USING btree ("requested_by","created_at" DESC NULLS LAST);--> statement-breakpoint
CREATE UNIQUE INDEX "candidates_slug_key" ON "candidates" USING btree ("slug");--> statement-breakpoint
CREATE UNIQUE INDEX "tracked_queries_candidate_kind_value_key" ON "tracked_queries" USING btree ("candidate_id","kind","value");--> statement-breakpoint
CREATE INDEX "tracked_queries_active_idx" ON "tracked_queries" USING btree ("active");--> statement-breakpoint
CREATE INDEX "authors_unscored_idx" ON "authors" USING btree ("id") WHERE bot_likelihood IS NULL;--> statement-breakpoint
CREATE INDEX "post_candidates_post_idx" ON "post_candidates" USING btree ("post_id");--> statement-breakpoint
CREATE INDEX "post_candidates_author_idx" ON "post_candidates" USING btree ("author_id");--> statement-breakpoint
CREATE INDEX "post_candidates_posted_at_idx" ON "post_candidates" USING btree ("posted_at");--> statement-breakpoint
CREATE INDEX "posts_posted_at_idx" ON "posts" USING btree ("posted_at");--> statement-breakpoint
CREATE INDEX "posts_author_idx" ON "posts" USING btree ("author_id");--> statement-breakpoint
CREATE INDEX "posts_unscored_idx" ON "posts" USING btree ("posted_at") WHERE sentiment_label IS NULL;--> statement-breakpoint
CREATE INDEX "posts_text_search_idx" ON "posts" USING gin (to_tsvector('spanish', "text"));--> statement-breakpoint
CREATE INDEX "team_tasks_owner_idx" ON "team_tasks" USING btree ("owner_id");--> statement-breakpoint
CREATE INDEX "spike_alerts_detected_idx" ON "spike_alerts" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "spike_alerts_term_idx" ON "spike_alerts" USING btree ("term","kind","window","window_start");--> statement-breakpoint
CREATE INDEX "x_reads_day_idx" ON "x_reads" USING btree ("day");--> statement-breakpoint
CREATE INDEX "x_refresh_jobs_due_idx" ON "x_refresh_jobs" USING btree ("due_at");