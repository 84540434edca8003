/**
 * macOS `<sys/mman.h>` values (XNU `bsd/sys/mman.h`) for mapping guest RAM. They differ from
 * Linux's: MAP_ANON is 0x1000 here, 0x20 there.
 */
export const DarwinMman = {
  /** PROT_READ: pages may be read. */
  PROT_READ: 0x01,
  /** PROT_WRITE: pages may be written. */
  PROT_WRITE: 0x02,
  /** MAP_PRIVATE: changes are private to this process (its threads all see them). */
  MAP_PRIVATE: 0x0002,
  /** MAP_ANON: not backed by a file; zero-filled. */
  MAP_ANON: 0x1000,
  /** What `mmap` returns on failure: `(void *)-1`. */
  MAP_FAILED: 0xffff_ffff_ffff_ffffn,
} as const;
