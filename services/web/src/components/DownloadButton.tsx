import { Button, Stack } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { ErrorMessage } from './ErrorMessage';
import { saveBlob } from './save-blob';

/** A button that fetches a file the API renders (a CSV export) with the session and saves it; a failure shows under it. */
export function DownloadButton({
  label,
  filename,
  fetchFile,
}: {
  label: string;
  filename: string;
  fetchFile: () => Promise<Blob>;
}) {
  const download = useMutation({
    mutationFn: async () => saveBlob(await fetchFile(), filename),
  });
  return (
    <Stack gap="xs" align="flex-end">
      <Button size="xs" variant="default" loading={download.isPending} onClick={() => download.mutate()}>
        {label}
      </Button>
      {download.isError && <ErrorMessage error={download.error} />}
    </Stack>
  );
}
