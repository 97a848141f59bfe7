-- The audit log is append-only: UPDATE, DELETE and TRUNCATE are refused at the database level,
-- whoever connects. The chain head starts at the genesis hash (64 zeros).
CREATE FUNCTION audit_log_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only: % is not allowed', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$;--> statement-breakpoint
CREATE TRIGGER audit_log_no_update_delete BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change();--> statement-breakpoint
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse_change();--> statement-breakpoint
REVOKE UPDATE, DELETE, TRUNCATE ON audit_log FROM PUBLIC;--> statement-breakpoint
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, repeat('0', 64));--> statement-breakpoint

-- A stored E-14 version is evidence: its numbers, payload and hash never change. Only the review
-- state may move (the review desk updates status/needs_review).
CREATE FUNCTION e14_forms_refuse_rewrite() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION 'e14_forms rows are evidence and are never deleted' USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF (NEW.payload, NEW.content_hash, NEW.candidate_ids, NEW.votes, NEW.sufragantes, NEW.urna, NEW.incinerados,
      NEW.blancos, NEW.nulos, NEW.no_marcados, NEW.suma_total, NEW.mesa_id, NEW.corporation, NEW.copy, NEW.source,
      NEW.version)
     IS DISTINCT FROM
     (OLD.payload, OLD.content_hash, OLD.candidate_ids, OLD.votes, OLD.sufragantes, OLD.urna, OLD.incinerados,
      OLD.blancos, OLD.nulos, OLD.no_marcados, OLD.suma_total, OLD.mesa_id, OLD.corporation, OLD.copy, OLD.source,
      OLD.version) THEN
    RAISE EXCEPTION 'an E-14 version is never rewritten; submit a new version instead' USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN NEW;
END;
$$;--> statement-breakpoint
CREATE TRIGGER e14_forms_immutable BEFORE UPDATE OR DELETE ON e14_forms
  FOR EACH ROW EXECUTE FUNCTION e14_forms_refuse_rewrite();
