CREATE TABLE "chunk_embeddings" (
	"chunk_id" text PRIMARY KEY NOT NULL,
	"model" text NOT NULL,
	"embedding" "bytea" NOT NULL
);
--> statement-breakpoint
ALTER TABLE "document_chunks" ADD COLUMN "embedded_model" text;--> statement-breakpoint
ALTER TABLE "chunk_embeddings" ADD CONSTRAINT "chunk_embeddings_chunk_id_document_chunks_id_fk" FOREIGN KEY ("chunk_id") REFERENCES "public"."document_chunks"("id") ON DELETE cascade ON UPDATE no action;