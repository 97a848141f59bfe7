ALTER TABLE "e14_fields" DROP CONSTRAINT "e14_fields_form_id_path_pk";--> statement-breakpoint
ALTER TABLE "reconciliations" ALTER COLUMN "discrepancies" SET DATA TYPE json;--> statement-breakpoint
CREATE INDEX "e14_fields_form_idx" ON "e14_fields" USING btree ("form_id");