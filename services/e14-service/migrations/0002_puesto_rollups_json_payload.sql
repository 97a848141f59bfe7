CREATE TABLE "puesto_coverage" (
	"puesto_id" integer NOT NULL,
	"corporation" text NOT NULL,
	"municipio_id" integer NOT NULL,
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
	CONSTRAINT "puesto_coverage_puesto_id_corporation_pk" PRIMARY KEY("puesto_id","corporation")
);
--> statement-breakpoint
CREATE TABLE "puesto_vote_tallies" (
	"puesto_id" integer NOT NULL,
	"corporation" text NOT NULL,
	"candidate_id" integer NOT NULL,
	"municipio_id" integer NOT NULL,
	"votes" bigint NOT NULL,
	CONSTRAINT "puesto_vote_tallies_puesto_id_corporation_candidate_id_pk" PRIMARY KEY("puesto_id","corporation","candidate_id")
);
--> statement-breakpoint
ALTER TABLE "audit_log" ALTER COLUMN "before" SET DATA TYPE json;--> statement-breakpoint
ALTER TABLE "audit_log" ALTER COLUMN "after" SET DATA TYPE json;--> statement-breakpoint
ALTER TABLE "e14_forms" ALTER COLUMN "payload" SET DATA TYPE json;--> statement-breakpoint
ALTER TABLE "puestos" ADD COLUMN "mesa_count" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "puestos" ADD COLUMN "habilitados" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE INDEX "puesto_coverage_municipio_idx" ON "puesto_coverage" USING btree ("municipio_id","corporation");--> statement-breakpoint
CREATE INDEX "puesto_vote_tallies_municipio_idx" ON "puesto_vote_tallies" USING btree ("municipio_id","corporation");--> statement-breakpoint
-- json has no equality operator: compare the stored text (byte-exact, which is the point).
CREATE OR REPLACE FUNCTION e14_forms_refuse_rewrite() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION 'e14_forms rows are evidence and are never deleted' USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF (NEW.payload::text, NEW.content_hash, NEW.candidate_ids, NEW.votes, NEW.sufragantes, NEW.urna, NEW.incinerados,
      NEW.blancos, NEW.nulos, NEW.no_marcados, NEW.suma_total, NEW.mesa_id, NEW.corporation, NEW.copy, NEW.source,
      NEW.version)
     IS DISTINCT FROM
     (OLD.payload::text, OLD.content_hash, OLD.candidate_ids, OLD.votes, OLD.sufragantes, OLD.urna, OLD.incinerados,
      OLD.blancos, OLD.nulos, OLD.no_marcados, OLD.suma_total, OLD.mesa_id, OLD.corporation, OLD.copy, OLD.source,
      OLD.version) THEN
    RAISE EXCEPTION 'an E-14 version is never rewritten; submit a new version instead' USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN NEW;
END;
$$;
