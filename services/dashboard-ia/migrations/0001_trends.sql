ALTER TABLE "spike_alerts" ADD COLUMN "window" text NOT NULL;--> statement-breakpoint
CREATE INDEX "spike_alerts_term_idx" ON "spike_alerts" USING btree ("term","kind","window","window_start");