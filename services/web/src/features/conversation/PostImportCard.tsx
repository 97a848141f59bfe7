import { importLineProblemSchema } from '@castor/contracts';
import { Button, FileInput, Text } from '@mantine/core';
import { useState } from 'react';
import { ApiError } from '../../api/http';
import { ActionStatus } from '../../components/ActionStatus';
import { formatCount } from '../../components/conversation-format';
import { FormCard } from '../../components/FormCard';
import { t } from '../../i18n/es-CO';
import { usePostImport } from './queries';

/** The refused line of an import in words, from the error's details; undefined for any other failure. */
function lineProblemOf(error: unknown): string | undefined {
  if (!(error instanceof ApiError) || error.code !== 'IMPORT_LINE_INVALID') return undefined;
  const problem = importLineProblemSchema.safeParse(error.details);
  return problem.success
    ? t.postImport.lineProblem(problem.data.line, problem.data.field, problem.data.problem)
    : undefined;
}

/** Uploads a CSV or JSONL export of posts (admins and analysts): all or nothing, the first bad line named. */
export function PostImportCard() {
  const [file, setFile] = useState<File | null>(null);
  const importPosts = usePostImport();
  const result = importPosts.data;
  const done = result
    ? result.replayed
      ? t.postImport.replayed
      : t.postImport.done(
          formatCount(result.posts.stored),
          formatCount(result.posts.received),
          formatCount(result.authors),
        )
    : null;
  const lineProblem = lineProblemOf(importPosts.error);
  return (
    <FormCard
      title={t.postImport.title}
      onSubmit={(event) => {
        event.preventDefault();
        if (file) importPosts.mutate(file);
      }}
    >
      <Text size="sm">{t.postImport.hint}</Text>
      <FileInput
        label={t.postImport.file}
        clearButtonProps={{ 'aria-label': t.postImport.clearFile }}
        accept=".csv,.jsonl,.ndjson,text/csv,application/x-ndjson"
        value={file}
        onChange={(chosen) => {
          setFile(chosen);
          importPosts.reset();
        }}
        clearable
      />
      <Button type="submit" disabled={!file} loading={importPosts.isPending} w="fit-content">
        {t.postImport.submit}
      </Button>
      <ActionStatus done={done} error={importPosts.error} />
      {lineProblem && (
        <Text size="sm" fw={600} role="status">
          {lineProblem}
        </Text>
      )}
    </FormCard>
  );
}
