CREATE TABLE "alerts" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"election_id" integer NOT NULL,
	"corporation" text NOT NULL,
	"rule" text NOT NULL,
	"rule_version" integer NOT NULL,
	"severity" text NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"dedupe_key" text NOT NULL,
	"territory" text NOT NULL,
	"mesa_id" integer,
	"municipio_id" integer,
	"form_id" bigint,
	"copy" text,
	"message" text NOT NULL,
	"numbers" jsonb NOT NULL,
	"evidence" jsonb NOT NULL,
	"status_reason" text,
	"status_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "alerts_severity_check" CHECK (severity IN ('info', 'warning', 'high', 'critical')),
	CONSTRAINT "alerts_status_check" CHECK (status IN ('open', 'acknowledged', 'resolved'))
);
--> statement-breakpoint
CREATE TABLE "audit_head" (
	"id" smallint PRIMARY KEY NOT NULL,
	"seq" bigint NOT NULL,
	"hash" text NOT NULL,
	CONSTRAINT "audit_head_single_row" CHECK (id = 1)
);
--> statement-breakpoint
CREATE TABLE "audit_log" (
	"seq" bigint PRIMARY KEY NOT NULL,
	"at" timestamp (3) with time zone NOT NULL,
	"actor" text NOT NULL,
	"action" text NOT NULL,
	"entity" text NOT NULL,
	"entity_id" text NOT NULL,
	"before" jsonb,
	"after" jsonb,
	"prev_hash" text NOT NULL,
	"hash" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "candidates" (
	"id" serial PRIMARY KEY NOT NULL,
	"election_id" integer NOT NULL,
	"corporation" text NOT NULL,
	"circunscripcion" text NOT NULL,
	"departamento_code" text DEFAULT '' NOT NULL,
	"municipio_code" text DEFAULT '' NOT NULL,
	"ballot_number" integer NOT NULL,
	"candidate_number" integer,
	"list_id" integer,
	"name" text NOT NULL,
	"party" text,
	CONSTRAINT "candidates_scope_ballot_key" UNIQUE NULLS NOT DISTINCT("election_id","corporation","departamento_code","municipio_code","ballot_number","candidate_number"),
	CONSTRAINT "candidates_corporation_check" CHECK (corporation IN ('PRESIDENTE', 'SENADO', 'CAMARA', 'GOBERNADOR', 'ASAMBLEA', 'ALCALDE', 'CONCEJO', 'JAL'))
);
--> statement-breakpoint
CREATE TABLE "departamentos" (
	"id" serial PRIMARY KEY NOT NULL,
	"election_id" integer NOT NULL,
	"code" text NOT NULL,
	"name" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "divipol_imports" (
	"id" serial PRIMARY KEY NOT NULL,
	"election_id" integer NOT NULL,
	"document_hash" text NOT NULL,
	"imported_by" text NOT NULL,
	"counts" jsonb NOT NULL,
	"imported_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "e14_fields" (
	"form_id" bigint NOT NULL,
	"path" text NOT NULL,
	"state" text NOT NULL,
	"value" integer,
	"confidence" real NOT NULL,
	"overwritten" boolean NOT NULL,
	"read_by" text,
	"crop" jsonb,
	CONSTRAINT "e14_fields_form_id_path_pk" PRIMARY KEY("form_id","path"),
	CONSTRAINT "e14_fields_state_check" CHECK (state IN ('read', 'empty', 'illegible'))
);
--> statement-breakpoint
CREATE TABLE "e14_forms" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"election_id" integer NOT NULL,
	"corporation" text NOT NULL,
	"mesa_id" integer NOT NULL,
	"copy" text NOT NULL,
	"source" text NOT NULL,
	"version" integer NOT NULL,
	"content_hash" text NOT NULL,
	"idempotency_key" text,
	"submitted_by" text NOT NULL,
	"submitter_role" text NOT NULL,
	"source_ref" text,
	"barcode" text,
	"transmission_code" text,
	"page_count" smallint,
	"document_hash" text,
	"status" text NOT NULL,
	"needs_review" boolean NOT NULL,
	"min_confidence" real NOT NULL,
	"sufragantes" integer,
	"urna" integer,
	"incinerados" integer,
	"blancos" integer,
	"nulos" integer,
	"no_marcados" integer,
	"suma_total" integer,
	"candidate_ids" integer[] NOT NULL,
	"votes" integer[] NOT NULL,
	"findings" jsonb NOT NULL,
	"payload" jsonb NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "e14_forms_corporation_check" CHECK (corporation IN ('PRESIDENTE', 'SENADO', 'CAMARA', 'GOBERNADOR', 'ASAMBLEA', 'ALCALDE', 'CONCEJO', 'JAL')),
	CONSTRAINT "e14_forms_copy_check" CHECK (copy IN ('claveros', 'delegados', 'transmision')),
	CONSTRAINT "e14_forms_source_check" CHECK (source IN ('ocr', 'witness', 'partner', 'reviewer')),
	CONSTRAINT "e14_forms_status_check" CHECK (status IN ('validated', 'needs_review', 'failed_rules'))
);
--> statement-breakpoint
CREATE TABLE "election_corporations" (
	"election_id" integer NOT NULL,
	"corporation" text NOT NULL,
	"rule_config" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "election_corporations_election_id_corporation_pk" PRIMARY KEY("election_id","corporation"),
	CONSTRAINT "election_corporations_corporation_check" CHECK (corporation IN ('PRESIDENTE', 'SENADO', 'CAMARA', 'GOBERNADOR', 'ASAMBLEA', 'ALCALDE', 'CONCEJO', 'JAL'))
);
--> statement-breakpoint
CREATE TABLE "elections" (
	"id" serial PRIMARY KEY NOT NULL,
	"code" text NOT NULL,
	"name" text NOT NULL,
	"date" date NOT NULL,
	"rule_config" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "feed_imports" (
	"id" serial PRIMARY KEY NOT NULL,
	"election_id" integer NOT NULL,
	"source" text NOT NULL,
	"file_hash" text NOT NULL,
	"imported_by" text NOT NULL,
	"counts" jsonb NOT NULL,
	"imported_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "forensic_queue" (
	"municipio_id" integer NOT NULL,
	"corporation" text NOT NULL,
	"election_id" integer NOT NULL,
	"due_at" timestamp with time zone NOT NULL,
	CONSTRAINT "forensic_queue_municipio_id_corporation_pk" PRIMARY KEY("municipio_id","corporation")
);
--> statement-breakpoint
CREATE TABLE "mesas" (
	"id" serial PRIMARY KEY NOT NULL,
	"election_id" integer NOT NULL,
	"departamento_id" integer NOT NULL,
	"municipio_id" integer NOT NULL,
	"puesto_id" integer NOT NULL,
	"mesa_key" text NOT NULL,
	"code" text NOT NULL,
	"habilitados" integer NOT NULL,
	"transmission_code" text,
	CONSTRAINT "mesas_habilitados_check" CHECK (habilitados >= 0)
);
--> statement-breakpoint
CREATE TABLE "municipio_coverage" (
	"municipio_id" integer NOT NULL,
	"corporation" text NOT NULL,
	"election_id" integer NOT NULL,
	"departamento_id" integer NOT NULL,
	"mesas_in" integer NOT NULL,
	"mesas_validated" integer NOT NULL,
	"mesas_needs_review" integer NOT NULL,
	"mesas_failed_rules" integer NOT NULL,
	"mesas_disputed" integer NOT NULL,
	"habilitados_in" bigint NOT NULL,
	"sufragantes" bigint NOT NULL,
	"urna" bigint NOT NULL,
	"incinerados" bigint NOT NULL,
	"blancos" bigint NOT NULL,
	"nulos" bigint NOT NULL,
	"no_marcados" bigint NOT NULL,
	CONSTRAINT "municipio_coverage_municipio_id_corporation_pk" PRIMARY KEY("municipio_id","corporation")
);
--> statement-breakpoint
CREATE TABLE "municipio_forensics" (
	"municipio_id" integer NOT NULL,
	"corporation" text NOT NULL,
	"election_id" integer NOT NULL,
	"stats" jsonb NOT NULL,
	"computed_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "municipio_forensics_municipio_id_corporation_pk" PRIMARY KEY("municipio_id","corporation")
);
--> statement-breakpoint
CREATE TABLE "municipio_vote_tallies" (
	"municipio_id" integer NOT NULL,
	"corporation" text NOT NULL,
	"candidate_id" integer NOT NULL,
	"election_id" integer NOT NULL,
	"departamento_id" integer NOT NULL,
	"votes" bigint NOT NULL,
	CONSTRAINT "municipio_vote_tallies_municipio_id_corporation_candidate_id_pk" PRIMARY KEY("municipio_id","corporation","candidate_id")
);
--> statement-breakpoint
CREATE TABLE "municipios" (
	"id" serial PRIMARY KEY NOT NULL,
	"election_id" integer NOT NULL,
	"departamento_id" integer NOT NULL,
	"code" text NOT NULL,
	"name" text NOT NULL,
	"mesa_count" integer DEFAULT 0 NOT NULL,
	"habilitados" integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "official_results" (
	"election_id" integer NOT NULL,
	"mesa_id" integer NOT NULL,
	"corporation" text NOT NULL,
	"source" text NOT NULL,
	"sufragantes" integer,
	"blancos" integer,
	"nulos" integer,
	"no_marcados" integer,
	"candidate_ids" integer[] NOT NULL,
	"votes" integer[] NOT NULL,
	"file_hash" text NOT NULL,
	"imported_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "official_results_mesa_id_corporation_source_pk" PRIMARY KEY("mesa_id","corporation","source"),
	CONSTRAINT "official_results_source_check" CHECK (source IN ('preconteo', 'escrutinio'))
);
--> statement-breakpoint
CREATE TABLE "party_lists" (
	"id" serial PRIMARY KEY NOT NULL,
	"election_id" integer NOT NULL,
	"corporation" text NOT NULL,
	"circunscripcion" text NOT NULL,
	"departamento_code" text DEFAULT '' NOT NULL,
	"municipio_code" text DEFAULT '' NOT NULL,
	"ballot_number" integer NOT NULL,
	"list_code" text,
	"preferente" boolean NOT NULL,
	"name" text NOT NULL,
	"party" text,
	CONSTRAINT "party_lists_scope_ballot_key" UNIQUE("election_id","corporation","departamento_code","municipio_code","ballot_number"),
	CONSTRAINT "party_lists_corporation_check" CHECK (corporation IN ('PRESIDENTE', 'SENADO', 'CAMARA', 'GOBERNADOR', 'ASAMBLEA', 'ALCALDE', 'CONCEJO', 'JAL'))
);
--> statement-breakpoint
CREATE TABLE "puestos" (
	"id" serial PRIMARY KEY NOT NULL,
	"zona_id" integer NOT NULL,
	"municipio_id" integer NOT NULL,
	"code" text NOT NULL,
	"name" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "reconciliations" (
	"mesa_id" integer NOT NULL,
	"corporation" text NOT NULL,
	"election_id" integer NOT NULL,
	"municipio_id" integer NOT NULL,
	"form_id" bigint,
	"status" text NOT NULL,
	"policy_version" integer NOT NULL,
	"sufragantes" integer,
	"urna" integer,
	"incinerados" integer,
	"blancos" integer,
	"nulos" integer,
	"no_marcados" integer,
	"candidate_ids" integer[] NOT NULL,
	"votes" integer[] NOT NULL,
	"source_count" integer NOT NULL,
	"discrepancies" jsonb NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "reconciliations_mesa_id_corporation_pk" PRIMARY KEY("mesa_id","corporation"),
	CONSTRAINT "reconciliations_status_check" CHECK (status IN ('validated', 'needs_review', 'failed_rules', 'disputed'))
);
--> statement-breakpoint
CREATE TABLE "review_tasks" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"form_id" bigint NOT NULL,
	"field_path" text NOT NULL,
	"reason" text NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"resolved_at" timestamp with time zone,
	CONSTRAINT "review_tasks_reason_check" CHECK (reason IN ('illegible', 'low_confidence', 'overwritten')),
	CONSTRAINT "review_tasks_status_check" CHECK (status IN ('pending', 'done'))
);
--> statement-breakpoint
CREATE TABLE "witness_assignments" (
	"user_id" text NOT NULL,
	"election_id" integer NOT NULL,
	"territory" text NOT NULL,
	"assigned_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "witness_assignments_user_id_election_id_territory_pk" PRIMARY KEY("user_id","election_id","territory")
);
--> statement-breakpoint
CREATE TABLE "zonas" (
	"id" serial PRIMARY KEY NOT NULL,
	"municipio_id" integer NOT NULL,
	"code" text NOT NULL
);
--> statement-breakpoint
ALTER TABLE "alerts" ADD CONSTRAINT "alerts_election_id_elections_id_fk" FOREIGN KEY ("election_id") REFERENCES "public"."elections"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "candidates" ADD CONSTRAINT "candidates_election_id_elections_id_fk" FOREIGN KEY ("election_id") REFERENCES "public"."elections"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "candidates" ADD CONSTRAINT "candidates_list_id_party_lists_id_fk" FOREIGN KEY ("list_id") REFERENCES "public"."party_lists"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "departamentos" ADD CONSTRAINT "departamentos_election_id_elections_id_fk" FOREIGN KEY ("election_id") REFERENCES "public"."elections"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "divipol_imports" ADD CONSTRAINT "divipol_imports_election_id_elections_id_fk" FOREIGN KEY ("election_id") REFERENCES "public"."elections"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "e14_fields" ADD CONSTRAINT "e14_fields_form_id_e14_forms_id_fk" FOREIGN KEY ("form_id") REFERENCES "public"."e14_forms"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "e14_forms" ADD CONSTRAINT "e14_forms_election_id_elections_id_fk" FOREIGN KEY ("election_id") REFERENCES "public"."elections"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "e14_forms" ADD CONSTRAINT "e14_forms_mesa_id_mesas_id_fk" FOREIGN KEY ("mesa_id") REFERENCES "public"."mesas"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "election_corporations" ADD CONSTRAINT "election_corporations_election_id_elections_id_fk" FOREIGN KEY ("election_id") REFERENCES "public"."elections"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "feed_imports" ADD CONSTRAINT "feed_imports_election_id_elections_id_fk" FOREIGN KEY ("election_id") REFERENCES "public"."elections"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mesas" ADD CONSTRAINT "mesas_election_id_elections_id_fk" FOREIGN KEY ("election_id") REFERENCES "public"."elections"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mesas" ADD CONSTRAINT "mesas_puesto_id_puestos_id_fk" FOREIGN KEY ("puesto_id") REFERENCES "public"."puestos"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "municipios" ADD CONSTRAINT "municipios_election_id_elections_id_fk" FOREIGN KEY ("election_id") REFERENCES "public"."elections"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "municipios" ADD CONSTRAINT "municipios_departamento_id_departamentos_id_fk" FOREIGN KEY ("departamento_id") REFERENCES "public"."departamentos"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "official_results" ADD CONSTRAINT "official_results_election_id_elections_id_fk" FOREIGN KEY ("election_id") REFERENCES "public"."elections"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "official_results" ADD CONSTRAINT "official_results_mesa_id_mesas_id_fk" FOREIGN KEY ("mesa_id") REFERENCES "public"."mesas"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "party_lists" ADD CONSTRAINT "party_lists_election_id_elections_id_fk" FOREIGN KEY ("election_id") REFERENCES "public"."elections"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "puestos" ADD CONSTRAINT "puestos_zona_id_zonas_id_fk" FOREIGN KEY ("zona_id") REFERENCES "public"."zonas"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "puestos" ADD CONSTRAINT "puestos_municipio_id_municipios_id_fk" FOREIGN KEY ("municipio_id") REFERENCES "public"."municipios"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reconciliations" ADD CONSTRAINT "reconciliations_mesa_id_mesas_id_fk" FOREIGN KEY ("mesa_id") REFERENCES "public"."mesas"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reconciliations" ADD CONSTRAINT "reconciliations_form_id_e14_forms_id_fk" FOREIGN KEY ("form_id") REFERENCES "public"."e14_forms"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "review_tasks" ADD CONSTRAINT "review_tasks_form_id_e14_forms_id_fk" FOREIGN KEY ("form_id") REFERENCES "public"."e14_forms"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "witness_assignments" ADD CONSTRAINT "witness_assignments_election_id_elections_id_fk" FOREIGN KEY ("election_id") REFERENCES "public"."elections"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "zonas" ADD CONSTRAINT "zonas_municipio_id_municipios_id_fk" FOREIGN KEY ("municipio_id") REFERENCES "public"."municipios"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "alerts_dedupe_key" ON "alerts" USING btree ("election_id","dedupe_key");--> statement-breakpoint
CREATE INDEX "alerts_filter_idx" ON "alerts" USING btree ("election_id","status","severity");--> statement-breakpoint
CREATE INDEX "alerts_rule_idx" ON "alerts" USING btree ("election_id","rule");--> statement-breakpoint
CREATE INDEX "alerts_territory_idx" ON "alerts" USING btree (territory text_pattern_ops);--> statement-breakpoint
CREATE INDEX "alerts_mesa_idx" ON "alerts" USING btree ("mesa_id");--> statement-breakpoint
CREATE INDEX "audit_log_entity_idx" ON "audit_log" USING btree ("entity","entity_id");--> statement-breakpoint
CREATE UNIQUE INDEX "departamentos_election_code_key" ON "departamentos" USING btree ("election_id","code");--> statement-breakpoint
CREATE UNIQUE INDEX "divipol_imports_document_key" ON "divipol_imports" USING btree ("election_id","document_hash");--> statement-breakpoint
CREATE UNIQUE INDEX "e14_forms_content_key" ON "e14_forms" USING btree ("election_id","content_hash");--> statement-breakpoint
CREATE UNIQUE INDEX "e14_forms_version_key" ON "e14_forms" USING btree ("mesa_id","corporation","copy","source","version");--> statement-breakpoint
CREATE UNIQUE INDEX "e14_forms_idempotency_key" ON "e14_forms" USING btree ("submitted_by","idempotency_key") WHERE idempotency_key IS NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "elections_code_key" ON "elections" USING btree ("code");--> statement-breakpoint
CREATE UNIQUE INDEX "feed_imports_file_key" ON "feed_imports" USING btree ("election_id","source","file_hash");--> statement-breakpoint
CREATE INDEX "forensic_queue_due_idx" ON "forensic_queue" USING btree ("due_at");--> statement-breakpoint
CREATE UNIQUE INDEX "mesas_election_key_key" ON "mesas" USING btree ("election_id","mesa_key");--> statement-breakpoint
CREATE INDEX "mesas_puesto_idx" ON "mesas" USING btree ("puesto_id");--> statement-breakpoint
CREATE INDEX "mesas_municipio_idx" ON "mesas" USING btree ("municipio_id");--> statement-breakpoint
CREATE INDEX "municipio_coverage_election_idx" ON "municipio_coverage" USING btree ("election_id","corporation","departamento_id");--> statement-breakpoint
CREATE INDEX "municipio_vote_tallies_election_idx" ON "municipio_vote_tallies" USING btree ("election_id","corporation","departamento_id");--> statement-breakpoint
CREATE UNIQUE INDEX "municipios_departamento_code_key" ON "municipios" USING btree ("departamento_id","code");--> statement-breakpoint
CREATE INDEX "municipios_election_idx" ON "municipios" USING btree ("election_id");--> statement-breakpoint
CREATE UNIQUE INDEX "puestos_zona_code_key" ON "puestos" USING btree ("zona_id","code");--> statement-breakpoint
CREATE INDEX "puestos_municipio_idx" ON "puestos" USING btree ("municipio_id");--> statement-breakpoint
CREATE INDEX "reconciliations_municipio_idx" ON "reconciliations" USING btree ("municipio_id","corporation");--> statement-breakpoint
CREATE UNIQUE INDEX "review_tasks_form_field_key" ON "review_tasks" USING btree ("form_id","field_path");--> statement-breakpoint
CREATE INDEX "review_tasks_status_idx" ON "review_tasks" USING btree ("status");--> statement-breakpoint
CREATE UNIQUE INDEX "zonas_municipio_code_key" ON "zonas" USING btree ("municipio_id","code");