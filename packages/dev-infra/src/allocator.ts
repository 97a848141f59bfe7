/**
 * glibc's allocator settings for a service that decodes images in worker threads (e14-service),
 * as docker-compose.yml sets them: two arenas instead of eight per core, and blocks of 128 KB or
 * more (page buffers) mapped on their own so that freeing them returns them to the system. glibc
 * reads them only when a process starts, so they go in the environment of the spawned service.
 */
export const IMAGE_DECODING_ALLOCATOR_ENV = {
  MALLOC_ARENA_MAX: '2',
  MALLOC_MMAP_THRESHOLD_: '131072',
} as const;
