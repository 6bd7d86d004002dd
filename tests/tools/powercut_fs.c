/*
 * powercut_fs — a FUSE file system that simulates a power cut.
 *
 *   powercut_fs BACKING_DIR MOUNTPOINT [-f] [-d] [-o OPT]
 *
 * Why: a kill -9 loop cannot catch a missing fsync, because the page cache
 * survives a process kill.  This file system keeps two states:
 *
 *   visible  what processes see through the mount (all in memory);
 *   durable  what would survive a power cut.
 *
 * The durable state changes ONLY on fsync:
 *   - fsync/fdatasync of a file copies that inode's data (and size) into its
 *     durable content.  fsync (not fdatasync) also commits its mode.
 *   - fsync of a directory (FUSE fsyncdir) replaces that directory's durable
 *     entries (name -> inode) by its visible entries.  This is the only way a
 *     create, mkdir, unlink, rmdir or rename becomes durable; a cross-directory
 *     rename needs both directories fsync'ed (new name: destination, removal
 *     of the old name: source).
 * A file created and fsync'ed in a directory that is never fsync'ed is
 * therefore lost, and a file whose entry was committed but whose data was
 * never fsync'ed comes back empty.  This is harsher than ext4 (whose journal
 * often commits more than asked for), on purpose: code that is correct here is
 * correct on any POSIX file system.
 *
 * Power cut: writing anything to /.powercut in the mount, SIGUSR1, or any
 * other end of the process (SIGTERM, SIGINT, an external unmount) replaces the
 * contents of BACKING_DIR by the durable state only, then unmounts and exits.
 * Nothing that was not fsync'ed survives — unmounting is NOT a clean "sync".
 * The next mount loads BACKING_DIR as both its visible and durable state, so
 * fixtures can be put straight into BACKING_DIR before mounting.  Never
 * SIGKILL powercut_fs: BACKING_DIR is only written at the cut.  A test must
 * wait for the process to exit (or the mount to disappear; the durable state
 * is written before unmounting) before it remounts or reads BACKING_DIR.
 *
 * Fault injection (environment variables, read at start):
 *   POWERCUT_FAIL_FSYNC_AFTER=N   the (N+1)th fsync/fsyncdir call (files and
 *                                 directories share one counter) fails with
 *                                 EIO and commits nothing.
 *   POWERCUT_FAIL_FSYNC_STICKY=1  ... and so do all later ones (a dead disk).
 *   POWERCUT_CUT_AFTER_WRITES=N   cut power right after the Nth write request
 *                                 (writes to /.powercut are not counted).
 *   POWERCUT_CUT_AFTER_OPS=N      cut power right after the Nth successful
 *                                 state-changing request (create, mkdir,
 *                                 unlink, rmdir, rename, write, truncate,
 *                                 chmod, chown, utimens, fsync, fsyncdir,
 *                                 open with O_TRUNC).
 *   POWERCUT_TEAR=1               the write that triggers an automatic cut is
 *                                 torn: only its first len/2 bytes reach the
 *                                 (visible, non-durable) file.
 *   POWERCUT_KEEP_UNSYNCED_PREFIX=1|all
 *                                 models the page cache writing back part of
 *                                 a file's unsynced tail before the cut: for a
 *                                 file whose unsynced changes are pure appends
 *                                 past its durable content, keep a random
 *                                 prefix (1) or all (all) of the appended
 *                                 bytes.  Files changed in place keep only
 *                                 their durable content.  Default: drop all.
 *   POWERCUT_SEED=N               seed for the random prefix (logged).
 *
 * The kernel splits writes larger than max_write (128 KiB) into several write
 * requests; each counts for POWERCUT_CUT_AFTER_WRITES.
 *
 * Not supported: hard links, symlinks, device nodes, xattrs, locks.  Files
 * are held in memory; this is for tests, not for data.
 */
#define FUSE_USE_VERSION 31
#define _GNU_SOURCE

#include <fuse.h>
#include <fuse_lowlevel.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define CONTROL_PATH "/.powercut"
#define CONTROL_INO 2 /* root is 1; real inodes start at 3 */

/* ------------------------------------------------------------------ model */

struct node;

struct dentry {
    char *name;
    struct node *node;
};

struct dentries {
    struct dentry *v;
    size_t n, cap;
};

struct node {
    uint64_t ino;
    mode_t mode;  /* visible type + permission bits */
    mode_t dmode; /* durable permission bits */
    uid_t uid;
    gid_t gid;
    struct timespec atime, mtime, ctime;

    /* Regular files.  Invariant: data[0, clean) == ddata[0, clean) and
     * clean <= min(size, dsize), so fsync only copies data[clean, size) —
     * an fsync'ed append-only log costs O(appended bytes), not O(file). */
    char *data;
    size_t size, cap;
    char *ddata;
    size_t dsize, dcap;
    size_t clean;

    /* Directories: the two namespaces. */
    struct dentries vis, dur;

    /* An inode lives while a visible entry, a durable entry or an open
     * handle refers to it (an unlinked file may still be durably named). */
    unsigned vlinks, dlinks, opens;
    bool saving; /* cycle guard while writing the durable tree */
    /* Every live inode is on one list: an unlinked file still open at the
     * cut is otherwise referenced only by the kernel's file handle, which
     * LeakSanitizer would report when the process ends. */
    struct node *all_prev, *all_next;
};

/* File handle (fi->fh) = the inode's address; the control file's is this. */
#define CONTROL_FH UINT64_MAX
static struct node *all_nodes;

static struct node root;
static bool serving; /* set once the FUSE loop runs */
static uint64_t next_ino = CONTROL_INO + 1;

struct config {
    long long fail_fsync_after; /* -1: never */
    bool fail_fsync_sticky;
    long long cut_after_writes; /* -1: never */
    long long cut_after_ops;    /* -1: never */
    bool tear;
    int keep_unsynced; /* 0 none, 1 random prefix, 2 all */
    uint64_t seed;
};
static struct config cfg = {-1, false, -1, -1, false, 0, 0};

static long long n_fsyncs, n_writes, n_ops;
static bool cut_requested;
static const char *cut_reason = "process end (signal or external unmount)";
static struct fuse_session *session;
static volatile sig_atomic_t got_sigusr1;

static void logmsg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void logmsg(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("powercut_fs: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

static _Noreturn void die_oom(void)
{
    logmsg("out of memory");
    abort(); /* a test tool: no graceful degradation */
}

static void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q)
        die_oom();
    return q;
}

static struct timespec now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return ts;
}

static struct node *node_new(mode_t mode)
{
    struct node *n = xrealloc(NULL, sizeof *n);
    memset(n, 0, sizeof *n);
    n->ino = next_ino++;
    n->mode = mode;
    n->dmode = mode & 07777;
    /* fuse_get_context() is garbage before fuse_new(); load_tree() sets
     * the owner from the backing file anyway. */
    struct fuse_context *ctx = serving ? fuse_get_context() : NULL;
    n->uid = ctx ? ctx->uid : getuid();
    n->gid = ctx ? ctx->gid : getgid();
    n->atime = n->mtime = n->ctime = now();
    n->all_next = all_nodes;
    if (all_nodes)
        all_nodes->all_prev = n;
    all_nodes = n;
    return n;
}

static bool is_dir(const struct node *n) { return S_ISDIR(n->mode); }

static void node_put(struct node *n);

static void dentries_clear_durable(struct dentries *d)
{
    for (size_t i = 0; i < d->n; i++) {
        free(d->v[i].name);
        d->v[i].node->dlinks--;
        node_put(d->v[i].node);
    }
    free(d->v);
    memset(d, 0, sizeof *d);
}

/* Free an inode nothing refers to any more; a dropped directory releases the
 * durable entries it still held (its visible ones are empty: rmdir checked). */
static void node_put(struct node *n)
{
    if (n == &root || n->vlinks || n->dlinks || n->opens)
        return;
    dentries_clear_durable(&n->dur);
    if (n->all_prev)
        n->all_prev->all_next = n->all_next;
    else
        all_nodes = n->all_next;
    if (n->all_next)
        n->all_next->all_prev = n->all_prev;
    free(n->vis.v);
    free(n->data);
    free(n->ddata);
    free(n);
}

static ssize_t dentries_find(const struct dentries *d, const char *name)
{
    for (size_t i = 0; i < d->n; i++)
        if (strcmp(d->v[i].name, name) == 0)
            return (ssize_t)i;
    return -1;
}

static void dentries_add(struct dentries *d, const char *name, struct node *n)
{
    if (d->n == d->cap) {
        d->cap = d->cap ? 2 * d->cap : 8;
        d->v = xrealloc(d->v, d->cap * sizeof *d->v);
    }
    d->v[d->n].name = strdup(name);
    if (!d->v[d->n].name)
        die_oom();
    d->v[d->n].node = n;
    d->n++;
}

static void dentries_del(struct dentries *d, size_t i)
{
    free(d->v[i].name);
    d->v[i] = d->v[--d->n];
}

/* ----------------------------------------------------------------- paths */

static bool is_control(const char *path) { return path && strcmp(path, CONTROL_PATH) == 0; }

/* Walks the VISIBLE namespace; the durable one is never looked up by path. */
static int resolve(const char *path, struct node **out)
{
    struct node *n = &root;
    char buf[PATH_MAX];
    if (!path)
        return -ENOENT;
    if (strlen(path) >= sizeof buf)
        return -ENAMETOOLONG;
    strcpy(buf, path);
    char *save = NULL;
    for (char *c = strtok_r(buf, "/", &save); c; c = strtok_r(NULL, "/", &save)) {
        if (!is_dir(n))
            return -ENOTDIR;
        ssize_t i = dentries_find(&n->vis, c);
        if (i < 0)
            return -ENOENT;
        n = n->vis.v[i].node;
    }
    *out = n;
    return 0;
}

/* Splits PATH into its parent directory node and last component. */
static int resolve_parent(const char *path, struct node **parent, const char **name)
{
    const char *slash = strrchr(path, '/');
    if (!slash || slash[1] == '\0')
        return -EINVAL;
    char dir[PATH_MAX];
    size_t len = (size_t)(slash - path);
    if (len >= sizeof dir)
        return -ENAMETOOLONG;
    memcpy(dir, path, len);
    dir[len] = '\0';
    int r = resolve(len ? dir : "/", parent);
    if (r)
        return r;
    if (!is_dir(*parent))
        return -ENOTDIR;
    *name = slash + 1;
    return strlen(*name) > 255 ? -ENAMETOOLONG : 0;
}

/* With nullpath_ok the library passes path == NULL whenever it hands us a
 * file handle, so handle-carrying calls must be served from the handle. */
static bool fi_is_control(const struct fuse_file_info *fi)
{
    return fi && fi->fh == CONTROL_FH;
}

static struct node *fi_node(const struct fuse_file_info *fi)
{
    if (!fi || !fi->fh || fi->fh == CONTROL_FH)
        return NULL;
    return (struct node *)(uintptr_t)fi->fh;
}

static int get_node(const char *path, struct fuse_file_info *fi, struct node **out)
{
    *out = fi_node(fi);
    return *out ? 0 : resolve(path, out);
}

/* ------------------------------------------------------------ power cut */

static void request_cut(const char *reason)
{
    if (cut_requested)
        return;
    cut_requested = true;
    cut_reason = reason;
    /* Only sets a flag: the reply to the current request still goes out and
     * the single-threaded loop then stops before reading another request, so
     * nothing can change (or be fsync'ed) after the cut point. */
    fuse_exit(fuse_get_context()->fuse);
}

/* Called at the end of every successful state-changing request. */
static void op_done(void)
{
    if (cfg.cut_after_ops >= 0 && ++n_ops == cfg.cut_after_ops)
        request_cut("POWERCUT_CUT_AFTER_OPS reached");
}

static void touch(struct node *n, bool data_changed)
{
    n->ctime = now();
    if (data_changed)
        n->mtime = n->ctime;
}

/* ------------------------------------------------------------ file data */

static void reserve(char **buf, size_t *cap, size_t need)
{
    if (need <= *cap)
        return;
    size_t c = *cap ? *cap : 4096;
    while (c < need)
        c *= 2;
    *buf = xrealloc(*buf, c);
    *cap = c;
}

static void resize(struct node *n, size_t size)
{
    if (size > n->size) {
        reserve(&n->data, &n->cap, size);
        memset(n->data + n->size, 0, size - n->size);
    }
    n->size = size;
    if (n->clean > size)
        n->clean = size;
    touch(n, true);
}

static void commit_data(struct node *n)
{
    reserve(&n->ddata, &n->dcap, n->size);
    if (n->size > n->clean) /* memcpy(NULL, NULL, 0) is undefined */
        memcpy(n->ddata + n->clean, n->data + n->clean, n->size - n->clean);
    n->dsize = n->clean = n->size;
}

/* Replaces DIR's durable entries by its visible ones.  New references are
 * taken before old ones are dropped so an inode named in both survives. */
static void commit_dir(struct node *dir)
{
    struct dentries old = dir->dur;
    memset(&dir->dur, 0, sizeof dir->dur);
    for (size_t i = 0; i < dir->vis.n; i++) {
        dentries_add(&dir->dur, dir->vis.v[i].name, dir->vis.v[i].node);
        dir->vis.v[i].node->dlinks++;
    }
    dentries_clear_durable(&old);
}

/* Returns -EIO if fault injection says this fsync fails. */
static int fsync_fault(void)
{
    long long k = ++n_fsyncs;
    if (cfg.fail_fsync_after < 0 || k <= cfg.fail_fsync_after)
        return 0;
    if (k == cfg.fail_fsync_after + 1 || cfg.fail_fsync_sticky) {
        logmsg("injected EIO on fsync #%lld", k);
        return -EIO;
    }
    return 0;
}

/* ------------------------------------------------------------ operations */

static void *pc_init(struct fuse_conn_info *conn, struct fuse_config *c)
{
    serving = true;
    c->use_ino = 1;
    /* Unlink/rename over an open file must really remove the name, not
     * rename it to .fuse_hiddenXXX (which would be a durable-namespace lie);
     * handle-based calls then arrive with path == NULL. */
    c->hard_remove = 1;
    c->nullpath_ok = 1;
    c->entry_timeout = c->attr_timeout = c->negative_timeout = 0;
    c->kernel_cache = 0;
    /* With a writeback cache the kernel would hold dirty data we never see
     * until it chooses to flush; write-through keeps every write() a request. */
    conn->want &= ~(unsigned)FUSE_CAP_WRITEBACK_CACHE;
    return NULL;
}

static void fill_stat(const struct node *n, struct stat *st)
{
    memset(st, 0, sizeof *st);
    st->st_ino = n->ino;
    st->st_mode = n->mode;
    if (is_dir(n)) {
        st->st_nlink = 2;
        for (size_t i = 0; i < n->vis.n; i++)
            st->st_nlink += is_dir(n->vis.v[i].node);
    } else {
        st->st_nlink = n->vlinks;
    }
    st->st_uid = n->uid;
    st->st_gid = n->gid;
    st->st_size = (off_t)n->size;
    st->st_blksize = 4096;
    st->st_blocks = (blkcnt_t)((n->size + 511) / 512);
    st->st_atim = n->atime;
    st->st_mtim = n->mtime;
    st->st_ctim = n->ctime;
}

static int pc_getattr(const char *path, struct stat *st, struct fuse_file_info *fi)
{
    if (is_control(path) || fi_is_control(fi)) {
        memset(st, 0, sizeof *st);
        st->st_ino = CONTROL_INO;
        st->st_mode = S_IFREG | 0222;
        st->st_nlink = 1;
        return 0;
    }
    struct node *n;
    int r = get_node(path, fi, &n);
    if (r)
        return r;
    fill_stat(n, st);
    return 0;
}

static int pc_readdir(const char *path, void *buf, fuse_fill_dir_t filler, off_t off,
                      struct fuse_file_info *fi, enum fuse_readdir_flags flags)
{
    (void)off;
    (void)flags;
    struct node *n;
    int r = get_node(path, fi, &n);
    if (r)
        return r;
    filler(buf, ".", NULL, 0, 0);
    filler(buf, "..", NULL, 0, 0);
    for (size_t i = 0; i < n->vis.n; i++) {
        struct stat st;
        fill_stat(n->vis.v[i].node, &st);
        if (filler(buf, n->vis.v[i].name, &st, 0, 0))
            break;
    }
    return 0; /* /.powercut is deliberately not listed */
}

static int open_handle(struct node *n, struct fuse_file_info *fi)
{
    if (n) {
        n->opens++;
        fi->fh = (uint64_t)(uintptr_t)n;
    } else {
        fi->fh = CONTROL_FH;
    }
    return 0;
}

static void close_handle(struct fuse_file_info *fi)
{
    struct node *n = fi_node(fi);
    if (n) {
        n->opens--;
        node_put(n);
    }
    fi->fh = 0;
}

static int pc_mkdir(const char *path, mode_t mode)
{
    struct node *parent;
    const char *name;
    int r = resolve_parent(path, &parent, &name);
    if (r)
        return r;
    if (dentries_find(&parent->vis, name) >= 0 || is_control(path))
        return -EEXIST;
    struct node *n = node_new(S_IFDIR | (mode & 07777));
    dentries_add(&parent->vis, name, n);
    n->vlinks++;
    touch(parent, true);
    op_done();
    return 0;
}

static int pc_open(const char *path, struct fuse_file_info *fi)
{
    if (is_control(path)) {
        /* No FLUSH on close: the loop is gone right after the cut, and a
         * pending FLUSH would make the trigger's close() fail. */
        fi->noflush = 1;
        fi->direct_io = 1;
        return open_handle(NULL, fi);
    }
    struct node *n;
    int r = resolve(path, &n);
    if (r)
        return r;
    if (is_dir(n))
        return -EISDIR;
    /* libfuse negotiates atomic O_TRUNC, so truncation arrives here. */
    if ((fi->flags & O_TRUNC) && (fi->flags & O_ACCMODE) != O_RDONLY) {
        resize(n, 0);
        op_done();
    }
    return open_handle(n, fi);
}

static int pc_create(const char *path, mode_t mode, struct fuse_file_info *fi)
{
    if (is_control(path))
        return (fi->flags & O_EXCL) ? -EEXIST : pc_open(path, fi);
    struct node *parent;
    const char *name;
    int r = resolve_parent(path, &parent, &name);
    if (r)
        return r;
    if (dentries_find(&parent->vis, name) >= 0) {
        if (fi->flags & O_EXCL)
            return -EEXIST;
        return pc_open(path, fi);
    }
    struct node *n = node_new(S_IFREG | (mode & 07777));
    dentries_add(&parent->vis, name, n);
    n->vlinks++;
    touch(parent, true);
    open_handle(n, fi);
    op_done();
    return 0;
}

static int pc_read(const char *path, char *buf, size_t size, off_t off,
                   struct fuse_file_info *fi)
{
    (void)path;
    struct node *n = fi_node(fi);
    if (!n)
        return 0;
    if (off < 0 || (size_t)off >= n->size)
        return 0;
    size_t len = n->size - (size_t)off;
    if (len > size)
        len = size;
    memcpy(buf, n->data + off, len);
    return (int)len;
}

static int pc_write(const char *path, const char *buf, size_t size, off_t off,
                    struct fuse_file_info *fi)
{
    (void)path;
    if (fi_is_control(fi)) {
        request_cut("write to " CONTROL_PATH);
        return (int)size;
    }
    struct node *n = fi_node(fi);
    bool cut = cfg.cut_after_writes >= 0 && ++n_writes == cfg.cut_after_writes;
    size_t apply = (cut && cfg.tear) ? size / 2 : size;
    /* The kernel already passes i_size as the offset for O_APPEND; ours is
     * authoritative, so append to it regardless. */
    size_t start = (fi->flags & O_APPEND) ? n->size : (size_t)off;
    if (start + apply > n->size)
        resize(n, start + apply);
    memcpy(n->data + start, buf, apply);
    if (n->clean > start)
        n->clean = start;
    touch(n, true);
    if (cut) {
        if (apply < size)
            logmsg("torn write: %zu of %zu bytes at offset %zu", apply, size, start);
        request_cut("POWERCUT_CUT_AFTER_WRITES reached");
    }
    op_done();
    /* The caller is told the whole write happened even when torn: as with a
     * real cut, it cannot learn otherwise before it is gone. */
    return (int)size;
}

static int pc_truncate(const char *path, off_t size, struct fuse_file_info *fi)
{
    if (is_control(path) || fi_is_control(fi))
        return 0; /* `echo 1 > .powercut` may truncate first */
    struct node *n;
    int r = get_node(path, fi, &n);
    if (r)
        return r;
    if (is_dir(n))
        return -EISDIR;
    if (size < 0)
        return -EINVAL;
    resize(n, (size_t)size);
    op_done();
    return 0;
}

static int pc_fsync(const char *path, int datasync, struct fuse_file_info *fi)
{
    (void)path;
    struct node *n = fi_node(fi);
    if (!n)
        return 0;
    int r = fsync_fault();
    if (r)
        return r;
    commit_data(n);
    if (!datasync)
        n->dmode = n->mode & 07777;
    op_done();
    return 0;
}

static int pc_opendir(const char *path, struct fuse_file_info *fi)
{
    struct node *n;
    int r = resolve(path, &n);
    if (r)
        return r;
    if (!is_dir(n))
        return -ENOTDIR;
    return open_handle(n, fi);
}

static int pc_releasedir(const char *path, struct fuse_file_info *fi)
{
    (void)path;
    close_handle(fi);
    return 0;
}

static int pc_fsyncdir(const char *path, int datasync, struct fuse_file_info *fi)
{
    (void)path;
    struct node *dir = fi_node(fi);
    int r = fsync_fault();
    if (r)
        return r;
    commit_dir(dir);
    if (!datasync)
        dir->dmode = dir->mode & 07777;
    op_done();
    return 0;
}

static int remove_entry(const char *path, bool want_dir)
{
    if (is_control(path))
        return -EPERM;
    struct node *parent;
    const char *name;
    int r = resolve_parent(path, &parent, &name);
    if (r)
        return r;
    ssize_t i = dentries_find(&parent->vis, name);
    if (i < 0)
        return -ENOENT;
    struct node *n = parent->vis.v[i].node;
    if (want_dir && !is_dir(n))
        return -ENOTDIR;
    if (!want_dir && is_dir(n))
        return -EISDIR;
    if (want_dir && n->vis.n)
        return -ENOTEMPTY;
    dentries_del(&parent->vis, (size_t)i);
    n->vlinks--;
    touch(parent, true);
    touch(n, false);
    node_put(n);
    op_done();
    return 0;
}

static int pc_unlink(const char *path) { return remove_entry(path, false); }
static int pc_rmdir(const char *path) { return remove_entry(path, true); }

static int pc_rename(const char *from, const char *to, unsigned int flags)
{
    if (flags & ~(unsigned)RENAME_NOREPLACE)
        return -EINVAL; /* RENAME_EXCHANGE / WHITEOUT not modelled */
    if (is_control(from) || is_control(to))
        return -EPERM;
    size_t flen = strlen(from);
    if (strncmp(to, from, flen) == 0 && to[flen] == '/')
        return -EINVAL; /* directory into its own subtree */
    struct node *sp, *dp;
    const char *sname, *dname;
    int r = resolve_parent(from, &sp, &sname);
    if (r)
        return r;
    r = resolve_parent(to, &dp, &dname);
    if (r)
        return r;
    ssize_t si = dentries_find(&sp->vis, sname);
    if (si < 0)
        return -ENOENT;
    struct node *s = sp->vis.v[si].node;
    ssize_t di = dentries_find(&dp->vis, dname);
    struct node *d = di >= 0 ? dp->vis.v[di].node : NULL;
    if (d == s)
        return 0;
    if (d) {
        if (flags & RENAME_NOREPLACE)
            return -EEXIST;
        if (is_dir(s) && !is_dir(d))
            return -ENOTDIR;
        if (!is_dir(s) && is_dir(d))
            return -EISDIR;
        if (is_dir(d) && d->vis.n)
            return -ENOTEMPTY;
    }
    /* Visible namespace only: the durable one still has the old names until
     * the directories involved are fsync'ed. */
    dentries_del(&sp->vis, (size_t)si);
    if (d) {
        di = dentries_find(&dp->vis, dname); /* del may have moved it */
        dp->vis.v[di].node = s;
        d->vlinks--;
        touch(d, false);
        node_put(d);
    } else {
        dentries_add(&dp->vis, dname, s);
    }
    touch(sp, true);
    touch(dp, true);
    touch(s, false);
    op_done();
    return 0;
}

static int pc_chmod(const char *path, mode_t mode, struct fuse_file_info *fi)
{
    struct node *n;
    int r = get_node(path, fi, &n);
    if (r)
        return r;
    n->mode = (n->mode & S_IFMT) | (mode & 07777);
    touch(n, false);
    op_done();
    return 0;
}

static int pc_chown(const char *path, uid_t uid, gid_t gid, struct fuse_file_info *fi)
{
    struct node *n;
    int r = get_node(path, fi, &n);
    if (r)
        return r;
    if (uid != (uid_t)-1)
        n->uid = uid;
    if (gid != (gid_t)-1)
        n->gid = gid;
    touch(n, false);
    op_done();
    return 0;
}

static int pc_utimens(const char *path, const struct timespec tv[2], struct fuse_file_info *fi)
{
    if (is_control(path))
        return 0;
    struct node *n;
    int r = get_node(path, fi, &n);
    if (r)
        return r;
    struct timespec t = now();
    struct timespec *dst[2] = {&n->atime, &n->mtime};
    for (int i = 0; i < 2; i++) {
        if (!tv || tv[i].tv_nsec == UTIME_NOW)
            *dst[i] = t;
        else if (tv[i].tv_nsec != UTIME_OMIT)
            *dst[i] = tv[i];
    }
    n->ctime = t;
    op_done();
    return 0;
}

static int pc_statfs(const char *path, struct statvfs *st)
{
    (void)path;
    memset(st, 0, sizeof *st);
    st->f_bsize = st->f_frsize = 4096;
    st->f_blocks = st->f_bfree = st->f_bavail = 1u << 20;
    st->f_files = st->f_ffree = st->f_favail = 1u << 20;
    st->f_namemax = 255;
    return 0;
}

static int pc_flush(const char *path, struct fuse_file_info *fi)
{
    (void)path;
    (void)fi;
    return 0; /* close() is not a sync point */
}

static int pc_release(const char *path, struct fuse_file_info *fi)
{
    (void)path;
    close_handle(fi);
    return 0;
}

static const struct fuse_operations ops = {
    .init = pc_init,
    .getattr = pc_getattr,
    .readdir = pc_readdir,
    .mkdir = pc_mkdir,
    .create = pc_create,
    .open = pc_open,
    .read = pc_read,
    .write = pc_write,
    .truncate = pc_truncate,
    .fsync = pc_fsync,
    .opendir = pc_opendir,
    .releasedir = pc_releasedir,
    .fsyncdir = pc_fsyncdir,
    .unlink = pc_unlink,
    .rmdir = pc_rmdir,
    .rename = pc_rename,
    .chmod = pc_chmod,
    .chown = pc_chown,
    .utimens = pc_utimens,
    .statfs = pc_statfs,
    .flush = pc_flush,
    .release = pc_release,
};

/* -------------------------------------------------------- backing store */

static int load_file(int dirfd, const char *name, struct node *n)
{
    int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0)
        return -errno;
    for (;;) {
        reserve(&n->data, &n->cap, n->size + 65536);
        ssize_t k = read(fd, n->data + n->size, n->cap - n->size);
        if (k < 0 && errno == EINTR)
            continue;
        if (k < 0) {
            int e = -errno;
            close(fd);
            return e;
        }
        if (k == 0)
            break;
        n->size += (size_t)k;
    }
    close(fd);
    reserve(&n->ddata, &n->dcap, n->size);
    if (n->size)
        memcpy(n->ddata, n->data, n->size);
    n->dsize = n->clean = n->size;
    return 0;
}

/* Loads a backing directory as both the visible and the durable state. */
static int load_tree(int dirfd, struct node *dir, const char *where)
{
    DIR *d = fdopendir(dup(dirfd));
    if (!d)
        return -errno;
    int r = 0;
    struct dirent *e;
    while (r == 0 && (e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        struct stat st;
        if (fstatat(dirfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
            r = -errno;
            break;
        }
        if (!S_ISDIR(st.st_mode) && !S_ISREG(st.st_mode)) {
            logmsg("skipping %s/%s: not a regular file or directory", where, e->d_name);
            continue;
        }
        if (dir == &root && strcmp(e->d_name, &CONTROL_PATH[1]) == 0) {
            logmsg("skipping %s/%s: reserved name", where, e->d_name);
            continue;
        }
        struct node *n = node_new(st.st_mode & (S_IFMT | 07777));
        n->uid = st.st_uid;
        n->gid = st.st_gid;
        n->atime = st.st_atim;
        n->mtime = st.st_mtim;
        dentries_add(&dir->vis, e->d_name, n);
        dentries_add(&dir->dur, e->d_name, n);
        n->vlinks = n->dlinks = 1;
        if (S_ISREG(st.st_mode)) {
            r = load_file(dirfd, e->d_name, n);
        } else {
            int sub = openat(dirfd, e->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
            if (sub < 0) {
                r = -errno;
                break;
            }
            char path[PATH_MAX];
            snprintf(path, sizeof path, "%s/%s", where, e->d_name);
            r = load_tree(sub, n, path);
            close(sub);
        }
    }
    closedir(d);
    return r;
}

static uint64_t rng_state;
static uint64_t rng_next(void)
{ /* xorshift64*: reproducible from POWERCUT_SEED, no libc state */
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 2685821657736338717ULL;
}

/* What of a file reaches the disk: its durable content, plus (fault model
 * permitting) part of an unsynced pure-append tail. */
static size_t durable_len(const struct node *n, const char **bytes)
{
    *bytes = n->ddata;
    if (!cfg.keep_unsynced || n->clean < n->dsize || n->size <= n->dsize)
        return n->dsize;
    size_t extra = n->size - n->dsize;
    if (cfg.keep_unsynced == 1)
        extra = (size_t)(rng_next() % (extra + 1));
    *bytes = n->data; /* data[0, dsize) == ddata because clean >= dsize */
    return n->dsize + extra;
}

static int write_all(int fd, const char *p, size_t len)
{
    while (len) {
        ssize_t k = write(fd, p, len);
        if (k < 0 && errno == EINTR)
            continue;
        if (k < 0)
            return -errno;
        p += k;
        len -= (size_t)k;
    }
    return 0;
}

static int save_tree(int dirfd, struct node *dir)
{
    int r = 0;
    dir->saving = true;
    for (size_t i = 0; r == 0 && i < dir->dur.n; i++) {
        const char *name = dir->dur.v[i].name;
        struct node *n = dir->dur.v[i].node;
        if (is_dir(n)) {
            /* Durable entries can form a cycle (a directory moved under its
             * own durable child, with only some directories fsync'ed). */
            if (n->saving) {
                logmsg("durable namespace cycle at %s; not saved", name);
                continue;
            }
            if (mkdirat(dirfd, name, 0700) < 0)
                return -errno;
            int sub = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
            if (sub < 0)
                return -errno;
            r = save_tree(sub, n);
            if (r == 0 && fchmod(sub, n->dmode) < 0)
                r = -errno;
            close(sub);
        } else {
            /* The same inode may be durably named twice (cross-directory
             * rename with both directories fsync'ed at different times);
             * each name gets a copy — hard links are not modelled. */
            int fd = openat(dirfd, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
            if (fd < 0)
                return -errno;
            const char *bytes;
            size_t len = durable_len(n, &bytes);
            r = write_all(fd, bytes, len);
            if (r == 0 && fchmod(fd, n->dmode) < 0)
                r = -errno;
            close(fd);
        }
    }
    dir->saving = false;
    return r;
}

static int rm_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
    (void)st;
    if (ftw->level == 0)
        return 0; /* keep BACKING_DIR itself */
    return (type == FTW_DP ? rmdir(path) : unlink(path)) < 0 ? -1 : 0;
}

static int save_durable(const char *backing)
{
    if (nftw(backing, rm_entry, 64, FTW_DEPTH | FTW_PHYS) != 0) {
        logmsg("cannot empty %s: %s", backing, strerror(errno));
        return -1;
    }
    int fd = open(backing, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    int r = save_tree(fd, &root);
    if (r == 0 && fchmod(fd, root.dmode) < 0)
        r = -errno;
    if (r == 0)
        syncfs(fd); /* the host is not the one being tested; be safe anyway */
    close(fd);
    if (r)
        logmsg("writing durable state to %s failed: %s", backing, strerror(-r));
    return r ? -1 : 0;
}

/* ----------------------------------------------------------------- main */

/* For sanitizer builds: libfuse allocates per-open-directory state that only
 * releasedir frees, and after a power cut no releasedir ever comes. */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void) { return "leak:libfuse3.so\n"; }

static void on_sigusr1(int sig)
{
    (void)sig;
    got_sigusr1 = 1;
    if (session)
        fuse_session_exit(session);
}

static long long env_num(const char *name, long long dflt)
{
    const char *v = getenv(name);
    if (!v || !*v)
        return dflt;
    char *end;
    errno = 0;
    long long x = strtoll(v, &end, 10);
    if (errno || *end || x < 0) {
        logmsg("bad %s=%s (want a non-negative integer)", name, v);
        exit(2);
    }
    return x;
}

static void usage(void)
{
    fprintf(stderr, "usage: powercut_fs BACKING_DIR MOUNTPOINT [-f] [-d] [-o OPT]\n"
                    "  power cut: write to MOUNTPOINT" CONTROL_PATH " or send SIGUSR1\n");
    exit(2);
}

static bool path_within(const char *inner, const char *outer)
{
    size_t n = strlen(outer);
    return strncmp(inner, outer, n) == 0 && (inner[n] == '/' || inner[n] == '\0' || n == 1);
}

int main(int argc, char **argv)
{
    const char *pos[2] = {NULL, NULL};
    int npos = 0;
    bool foreground = false;
    struct fuse_args args = FUSE_ARGS_INIT(0, NULL);
    fuse_opt_add_arg(&args, argv[0]);
    fuse_opt_add_arg(&args, "-ofsname=powercut_fs,subtype=powercut");
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-f")) {
            foreground = true;
        } else if (!strcmp(argv[i], "-d")) {
            foreground = true;
            fuse_opt_add_arg(&args, "-d");
        } else if (!strcmp(argv[i], "-s")) {
            /* always single-threaded */
        } else if (!strcmp(argv[i], "-o") && i + 1 < argc) {
            fuse_opt_add_arg(&args, "-o");
            fuse_opt_add_arg(&args, argv[++i]);
        } else if (argv[i][0] != '-' && npos < 2) {
            pos[npos++] = argv[i];
        } else {
            usage();
        }
    }
    if (npos != 2)
        usage();

    /* Absolute paths: fuse_daemonize() chdirs to /. */
    char backing[PATH_MAX], mnt[PATH_MAX];
    for (int i = 0; i < 2; i++) {
        if (!realpath(pos[i], i ? mnt : backing)) {
            logmsg("%s: %s", pos[i], strerror(errno));
            return 2;
        }
    }
    if (path_within(mnt, backing) || path_within(backing, mnt)) {
        logmsg("BACKING_DIR and MOUNTPOINT must not contain each other");
        return 2;
    }

    cfg.fail_fsync_after = env_num("POWERCUT_FAIL_FSYNC_AFTER", -1);
    cfg.fail_fsync_sticky = env_num("POWERCUT_FAIL_FSYNC_STICKY", 0) != 0;
    cfg.cut_after_writes = env_num("POWERCUT_CUT_AFTER_WRITES", -1);
    cfg.cut_after_ops = env_num("POWERCUT_CUT_AFTER_OPS", -1);
    cfg.tear = env_num("POWERCUT_TEAR", 0) != 0;
    const char *keep = getenv("POWERCUT_KEEP_UNSYNCED_PREFIX");
    if (keep && !strcmp(keep, "all"))
        cfg.keep_unsynced = 2;
    else
        cfg.keep_unsynced = env_num("POWERCUT_KEEP_UNSYNCED_PREFIX", 0) ? 1 : 0;
    cfg.seed = (uint64_t)env_num("POWERCUT_SEED", (long long)(time(NULL) ^ getpid()));
    rng_state = cfg.seed * 0x9E3779B97F4A7C15ULL + 1; /* never 0 */
    if (cfg.keep_unsynced == 1)
        logmsg("POWERCUT_SEED=%llu", (unsigned long long)cfg.seed);

    struct stat st;
    int bfd = open(backing, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (bfd < 0 || fstat(bfd, &st) < 0) {
        logmsg("%s: %s", backing, strerror(errno));
        return 2;
    }
    root.ino = FUSE_ROOT_ID;
    root.mode = S_IFDIR | (st.st_mode & 07777);
    root.dmode = st.st_mode & 07777;
    root.uid = st.st_uid;
    root.gid = st.st_gid;
    root.atime = st.st_atim;
    root.mtime = st.st_mtim;
    root.ctime = st.st_ctim;
    root.vlinks = 1;
    int r = load_tree(bfd, &root, backing);
    close(bfd);
    if (r) {
        logmsg("loading %s: %s", backing, strerror(-r));
        return 2;
    }

    struct fuse *fuse = fuse_new(&args, &ops, sizeof ops, NULL);
    if (!fuse)
        return 2;
    if (fuse_mount(fuse, mnt) != 0) {
        fuse_destroy(fuse);
        return 2;
    }
    session = fuse_get_session(fuse);
    /* SIGTERM/SIGINT/SIGHUP stop the loop too; every end is a power cut. */
    if (fuse_set_signal_handlers(session) != 0)
        return 2;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sigusr1; /* no SA_RESTART: interrupt the blocking read */
    sigemptyset(&sa.sa_mask);
    sigaction(SIGUSR1, &sa, NULL);
    if (fuse_daemonize(foreground) != 0)
        return 2;

    fuse_loop(fuse);

    /* Write the durable state BEFORE unmounting, so "mount gone" implies
     * "BACKING_DIR complete" for anyone polling the mount point. */
    if (got_sigusr1)
        cut_reason = "SIGUSR1";
    logmsg("power cut (%s); writing durable state to %s", cut_reason, backing);
    int rc = save_durable(backing) == 0 ? 0 : 1;
    fuse_remove_signal_handlers(session);
    fuse_unmount(fuse);
    fuse_destroy(fuse);
    fuse_opt_free_args(&args);
    return rc;
}
