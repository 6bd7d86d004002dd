/*
 * badsector_fs — a FUSE file system with one file whose chosen sectors fail.
 *
 *   badsector_fs BACKING_FILE MOUNTPOINT [-f] [-o OPT]
 *
 * The mount shows one file, MOUNTPOINT/disk.img, with the bytes of BACKING_FILE.
 * Reads that touch a bad sector fail with EIO, like a damaged disk; everything
 * else reads the backing bytes.  Put a loop device on disk.img and the failures
 * travel the real kernel path (block layer → loop → FUSE) to the program that
 * reads /dev/loopN.  The file is opened with direct_io so that a 512-byte read
 * stays a 512-byte read (the page cache would widen it to a page).
 *
 * Environment, read at start:
 *   BADSECTOR_SIZE=512          sector size
 *   BADSECTOR_BAD=0,1000,1001   LBAs that always fail
 *   BADSECTOR_TRANSIENT=5:2     LBA:N — fails N times, then reads
 *   BADSECTOR_DEAD_FROM=8192    the disk dies when a read reaches this LBA: that read and
 *                               every later one, anywhere, fail with EIO while the file keeps
 *                               its size (a USB bridge that lost its disk). 0 = dead from the
 *                               very first read.
 *   BADSECTOR_DEAD_AFTER=4194304 the disk dies once this many bytes have been read from it
 *                               (a disk that dies half-way, whatever else probed it first).
 *   BADSECTOR_HOLD_AT=268435456 with BADSECTOR_RELEASE=PATH: a read that reaches beyond this byte
 *                               offset waits until PATH exists (a test then knows the copy is
 *                               still running while it kills or cancels it: no timing guess).
 * Writes are refused (EROFS): nothing is ever written to the "evidence".
 * Each read that failed is counted; /.stats shows "reads=N failed=M".
 */
#define FUSE_USE_VERSION 31
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <fuse.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_BAD 4096

static int g_fd = -1;
static off_t g_size = 0;
static unsigned long g_sector = 512;
static unsigned long long g_bad[MAX_BAD];
static size_t g_nbad = 0;
static unsigned long long g_tlba[MAX_BAD];
static int g_tleft[MAX_BAD];
static size_t g_ntrans = 0;
static unsigned long long g_reads = 0, g_failed = 0;
static unsigned long long g_dead_from = ~0ULL; /* LBA; ~0 = never dies */
static unsigned long long g_dead_after = ~0ULL; /* bytes read before it dies; ~0 = never */
static unsigned long long g_read_bytes = 0;
static int g_dead = 0;
static unsigned long long g_hold_at = ~0ULL; /* byte offset; ~0 = never holds */
static const char *g_release = NULL;
static pthread_mutex_t g_mu = PTHREAD_MUTEX_INITIALIZER;

static void parse_list(const char *text, int transient) {
  if (!text) return;
  char *copy = strdup(text);
  char *save = NULL;
  for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
    char *colon = strchr(tok, ':');
    unsigned long long lba = strtoull(tok, NULL, 10);
    if (transient && colon && g_ntrans < MAX_BAD) {
      g_tlba[g_ntrans] = lba;
      g_tleft[g_ntrans] = atoi(colon + 1);
      ++g_ntrans;
    } else if (!transient && g_nbad < MAX_BAD) {
      g_bad[g_nbad++] = lba;
    }
  }
  free(copy);
}

/* Does [off, off+len) touch a failing sector? Consumes one transient failure. */
static int range_fails(off_t off, size_t len) {
  const unsigned long long first = (unsigned long long)off / g_sector;
  const unsigned long long last = ((unsigned long long)off + len - 1) / g_sector;
  if (last >= g_dead_from) g_dead = 1;
  if (g_dead) return 1;
  for (size_t i = 0; i < g_nbad; ++i)
    if (g_bad[i] >= first && g_bad[i] <= last) return 1;
  for (size_t i = 0; i < g_ntrans; ++i)
    if (g_tlba[i] >= first && g_tlba[i] <= last && g_tleft[i] > 0) {
      --g_tleft[i];
      return 1;
    }
  return 0;
}

static int bs_getattr(const char *path, struct stat *st, struct fuse_file_info *fi) {
  (void)fi;
  memset(st, 0, sizeof *st);
  if (strcmp(path, "/") == 0) {
    st->st_mode = S_IFDIR | 0755;
    st->st_nlink = 2;
    return 0;
  }
  if (strcmp(path, "/disk.img") == 0) {
    st->st_mode = S_IFREG | 0644;
    st->st_nlink = 1;
    st->st_size = g_size;
    return 0;
  }
  if (strcmp(path, "/.stats") == 0) {
    st->st_mode = S_IFREG | 0444;
    st->st_nlink = 1;
    st->st_size = 64;
    return 0;
  }
  return -ENOENT;
}

static int bs_readdir(const char *path, void *buf, fuse_fill_dir_t fill, off_t off, struct fuse_file_info *fi,
                      enum fuse_readdir_flags flags) {
  (void)off;
  (void)fi;
  (void)flags;
  if (strcmp(path, "/") != 0) return -ENOENT;
  fill(buf, ".", NULL, 0, 0);
  fill(buf, "..", NULL, 0, 0);
  fill(buf, "disk.img", NULL, 0, 0);
  fill(buf, ".stats", NULL, 0, 0);
  return 0;
}

static int bs_open(const char *path, struct fuse_file_info *fi) {
  if (strcmp(path, "/disk.img") != 0 && strcmp(path, "/.stats") != 0) return -ENOENT;
  /* Opening read-write is allowed (a loop device on it starts writable, as a real disk
   * would); every write is refused below. */
  fi->direct_io = 1;
  return 0;
}

static int bs_read(const char *path, char *buf, size_t len, off_t off, struct fuse_file_info *fi) {
  (void)fi;
  if (strcmp(path, "/.stats") == 0) {
    char text[64];
    pthread_mutex_lock(&g_mu);
    int n = snprintf(text, sizeof text, "reads=%llu failed=%llu\n", g_reads, g_failed);
    pthread_mutex_unlock(&g_mu);
    if (off >= n) return 0;
    if ((size_t)(n - off) < len) len = (size_t)(n - off);
    memcpy(buf, text + off, len);
    return (int)len;
  }
  if (off >= g_size) return 0;
  if ((off_t)len > g_size - off) len = (size_t)(g_size - off);
  if (g_release && (unsigned long long)off + len > g_hold_at)
    while (access(g_release, F_OK) != 0) usleep(10000);
  pthread_mutex_lock(&g_mu);
  ++g_reads;
  const int fails = range_fails(off, len);
  if (fails) ++g_failed;
  pthread_mutex_unlock(&g_mu);
  if (fails) return -EIO;
  ssize_t n = pread(g_fd, buf, len, off);
  if (n > 0) {
    pthread_mutex_lock(&g_mu);
    g_read_bytes += (unsigned long long)n;
    if (g_read_bytes >= g_dead_after) g_dead = 1;
    pthread_mutex_unlock(&g_mu);
  }
  return n < 0 ? -errno : (int)n;
}

static int bs_write(const char *path, const char *buf, size_t len, off_t off, struct fuse_file_info *fi) {
  (void)path;
  (void)buf;
  (void)len;
  (void)off;
  (void)fi;
  return -EROFS;
}

static const struct fuse_operations k_ops = {
    .getattr = bs_getattr,
    .readdir = bs_readdir,
    .open = bs_open,
    .read = bs_read,
    .write = bs_write,
};

int main(int argc, char *argv[]) {
  if (argc < 3) {
    fprintf(stderr, "usage: badsector_fs BACKING_FILE MOUNTPOINT [fuse options]\n");
    return 2;
  }
  g_fd = open(argv[1], O_RDONLY | O_CLOEXEC);
  if (g_fd < 0) {
    perror(argv[1]);
    return 2;
  }
  struct stat st;
  if (fstat(g_fd, &st) != 0) return 2;
  g_size = st.st_size;
  const char *ss = getenv("BADSECTOR_SIZE");
  if (ss) g_sector = strtoul(ss, NULL, 10);
  if (g_sector == 0) g_sector = 512;
  parse_list(getenv("BADSECTOR_BAD"), 0);
  parse_list(getenv("BADSECTOR_TRANSIENT"), 1);
  const char *dead = getenv("BADSECTOR_DEAD_FROM");
  if (dead && *dead) g_dead_from = strtoull(dead, NULL, 10);
  const char *after = getenv("BADSECTOR_DEAD_AFTER");
  if (after && *after) g_dead_after = strtoull(after, NULL, 10);
  const char *hold = getenv("BADSECTOR_HOLD_AT");
  if (hold && *hold) g_hold_at = strtoull(hold, NULL, 10);
  g_release = getenv("BADSECTOR_RELEASE");
  /* argv for fuse_main: program, mountpoint, the rest. */
  char **fargv = calloc((size_t)argc + 2, sizeof(char *));
  int fargc = 0;
  fargv[fargc++] = argv[0];
  for (int i = 2; i < argc; ++i) fargv[fargc++] = argv[i];
  fargv[fargc++] = "-o";
  fargv[fargc++] = "allow_other";
  int rc = fuse_main(fargc, fargv, &k_ops, NULL);
  free(fargv);
  close(g_fd);
  return rc;
}
