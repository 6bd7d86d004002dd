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
 *     durable content; fsync (not fdatasync) also commits its mode.  O_SYNC /
 *     O_DSYNC writes count, the kernel sends an fsync after each.
 *   - fsync of a directory (FUSE fsyncdir) replaces that directory's durable
 *     entries (name -> inode) by its visible entries.  This is the only way a
 *     create, mkdir, unlink, rmdir or rename becomes durable; a cross-directory
 *     rename needs both directories fsync'ed (destination: the new name
 *     appears; source: the old name goes — with only the destination synced
 *     the file is durably in both places, with only the source in neither).
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
 * wait for the process to exit (or for the mount to disappear: the durable
 * state is written before unmounting) before it remounts or reads BACKING_DIR.
 *
 * Fault injection (environment variables, read at start):
 *   POWERCUT_FAIL_FSYNC_AFTER=N   the (N+1)th fsync/fsyncdir call (files and
 *                                 directories share one counter) fails with
 *                                 EIO and commits nothing.
 *   POWERCUT_FAIL_FSYNC_STICKY=1  ... and so do all later ones (a dead disk).
 *   POWERCUT_CUT_AFTER_WRITES=N   cut power right after the Nth write request
 *                                 (writes to /.powercut are not counted).
 *   POWERCUT_CUT_AFTER_OPS=N      cut power right after the Nth successful
 *                                 state-changing request: create, mkdir,
 *                                 unlink, rmdir, rename, write, setattr
 *                                 (truncate/chmod/chown/utimens), fsync,
 *                                 fsyncdir, open with O_TRUNC.
 *   POWERCUT_TEAR=1               the write that triggers an automatic cut is
 *                                 torn: only its first len/2 bytes reach the
 *                                 (visible, non-durable) file.
 *   POWERCUT_KEEP_UNSYNCED_PREFIX=1|all
 *                                 models the page cache writing back part of
 *                                 a file's unsynced tail before the cut: for a
 *                                 durably named file whose unsynced changes
 *                                 are pure appends past its durable content,
 *                                 keep a random prefix (1) or all (all) of the
 *                                 appended bytes.  Files changed in place keep
 *                                 only their durable content.  Default: drop
 *                                 all unsynced data.
 *   POWERCUT_SEED=N               seed for the random prefix (logged).
 *
 * The kernel splits writes larger than max_write (128 KiB) into several write
 * requests; each counts for POWERCUT_CUT_AFTER_WRITES.
 *
 * Not supported: hard links, symlinks, device nodes, xattrs, locks.  Files
 * are held in memory; this is for tests, not for data.  Single-threaded.
 */
#define FUSE_USE_VERSION 34
#define _GNU_SOURCE

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

#define CONTROL_NAME ".powercut"
#define CONTROL_INO 2 /* FUSE node id of /.powercut; the root is 1 */

/* ------------------------------------------------------------------ model */

struct node;

struct dentry {
    char *name;
    struct node *node;
    off_t cookie; /* readdir offset; increasing along the visible list */
};

struct dentries {
    struct dentry *v;
    size_t n, cap;
};

struct node {
    uint64_t ino; /* st_ino; the FUSE node id is the node's address */
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

    /* Directories: the two namespaces, and the visible parent (a directory
     * has exactly one visible name) to refuse moving it into itself. */
    struct dentries vis, dur;
    struct node *parent;

    /* An inode lives while a visible entry, a durable entry or the kernel
     * (lookup count; it holds one for every open file) refers to it. */
    unsigned vlinks, dlinks;
    uint64_t nlookup;
    bool saving; /* cycle guard while writing the durable tree */
    /* All live inodes are on one list: after a cut the kernel never sends
     * the forgets, and LeakSanitizer must still see them as reachable. */
    struct node *all_prev, *all_next;
};

static struct node root;
static struct node *all_nodes;
static uint64_t next_ino = CONTROL_INO + 1;
static off_t next_cookie = 3; /* 1 and 2 are "." and ".." */

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

static bool is_dir(const struct node *n) { return S_ISDIR(n->mode); }

static struct node *node_new(mode_t mode, fuse_req_t req)
{
    struct node *n = xrealloc(NULL, sizeof *n);
    memset(n, 0, sizeof *n);
    n->ino = next_ino++;
    n->mode = mode;
    n->dmode = mode & 07777;
    const struct fuse_ctx *ctx = req ? fuse_req_ctx(req) : NULL;
    n->uid = ctx ? ctx->uid : getuid();
    n->gid = ctx ? ctx->gid : getgid();
    n->atime = n->mtime = n->ctime = now();
    n->all_next = all_nodes;
    if (all_nodes)
        all_nodes->all_prev = n;
    all_nodes = n;
    return n;
}

static void node_put(struct node *n);

static void dentries_clear_durable(struct dentries *d)
{
    struct dentries old = *d; /* node_put may recurse into other nodes */
    memset(d, 0, sizeof *d);
    for (size_t i = 0; i < old.n; i++) {
        free(old.v[i].name);
        old.v[i].node->dlinks--;
        node_put(old.v[i].node);
    }
    free(old.v);
}

/* Frees an inode nothing refers to any more; a dropped directory releases
 * the durable entries it still holds (its visible ones are empty: rmdir
 * checked). */
static void node_put(struct node *n)
{
    if (n == &root || n->vlinks || n->dlinks || n->nlookup)
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
    struct dentry *e = &d->v[d->n++];
    e->name = strdup(name);
    if (!e->name)
        die_oom();
    e->node = n;
    e->cookie = next_cookie++;
}

/* Keeps order (hence increasing cookies): readdir resumes by cookie, so an
 * unlink during a directory scan neither skips nor repeats entries. */
static void dentries_del(struct dentries *d, size_t i)
{
    free(d->v[i].name);
    memmove(&d->v[i], &d->v[i + 1], (d->n - i - 1) * sizeof *d->v);
    d->n--;
}

/* Replies with an error (or 0 for success) and leaves the handler. */
#define RETURN_ERR(req, err)                                                                  \
    do {                                                                                      \
        fuse_reply_err(req, err);                                                             \
        return;                                                                               \
    } while (0)

/* FUSE node ids are node addresses; 1 is the root, 2 the control file. */
static struct node *N(fuse_ino_t ino)
{
    if (ino == FUSE_ROOT_ID)
        return &root;
    if (ino == CONTROL_INO)
        return NULL;
    return (struct node *)(uintptr_t)ino;
}

static fuse_ino_t node_id(struct node *n)
{
    return n == &root ? FUSE_ROOT_ID : (fuse_ino_t)(uintptr_t)n;
}

static bool is_control(fuse_ino_t parent, const char *name)
{
    return parent == FUSE_ROOT_ID && strcmp(name, CONTROL_NAME) == 0;
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
    fuse_session_exit(session);
}

/* Called after every successful state-changing request. */
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

/* Returns EIO if fault injection says this fsync fails. */
static int fsync_fault(void)
{
    long long k = ++n_fsyncs;
    if (cfg.fail_fsync_after < 0 || k <= cfg.fail_fsync_after)
        return 0;
    if (k == cfg.fail_fsync_after + 1 || cfg.fail_fsync_sticky) {
        logmsg("injected EIO on fsync #%lld", k);
        return EIO;
    }
    return 0;
}

/* ------------------------------------------------------------ operations */

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
        st->st_nlink = n->vlinks; /* 0 for an unlinked open file */
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

static void control_stat(struct stat *st)
{
    memset(st, 0, sizeof *st);
    st->st_ino = CONTROL_INO;
    st->st_mode = S_IFREG | 0222;
    st->st_nlink = 1;
}

/* Every attribute and entry timeout is 0: the kernel asks each time, so no
 * stale size or name can survive a change made here. */
static void reply_entry(fuse_req_t req, struct node *n)
{
    struct fuse_entry_param e;
    memset(&e, 0, sizeof e);
    if (n) {
        n->nlookup++;
        e.ino = node_id(n);
        fill_stat(n, &e.attr);
    } else {
        e.ino = CONTROL_INO;
        control_stat(&e.attr);
    }
    fuse_reply_entry(req, &e);
}

static void pc_init(void *userdata, struct fuse_conn_info *conn)
{
    (void)userdata;
    /* With a writeback cache the kernel would hold dirty data we only see
     * when it chooses to flush; write-through makes each write() a request. */
    conn->want &= ~(unsigned)FUSE_CAP_WRITEBACK_CACHE;
}

static void pc_lookup(fuse_req_t req, fuse_ino_t parent, const char *name)
{
    if (is_control(parent, name)) {
        reply_entry(req, NULL);
        return;
    }
    struct node *p = N(parent);
    ssize_t i = p && is_dir(p) ? dentries_find(&p->vis, name) : -1;
    if (i < 0)
        RETURN_ERR(req, ENOENT);
    reply_entry(req, p->vis.v[i].node);
}

static void pc_forget(fuse_req_t req, fuse_ino_t ino, uint64_t nlookup)
{
    struct node *n = N(ino);
    if (n && n != &root) {
        n->nlookup -= nlookup;
        node_put(n);
    }
    fuse_reply_none(req);
}

static void pc_getattr(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
    (void)fi;
    struct stat st;
    struct node *n = N(ino);
    if (n)
        fill_stat(n, &st);
    else
        control_stat(&st);
    fuse_reply_attr(req, &st, 0);
}

static void pc_setattr(fuse_req_t req, fuse_ino_t ino, struct stat *attr, int to_set,
                       struct fuse_file_info *fi)
{
    (void)fi;
    struct node *n = N(ino);
    if (!n) { /* `echo 1 > .powercut` may truncate it first */
        pc_getattr(req, ino, NULL);
        return;
    }
    if (to_set & FUSE_SET_ATTR_SIZE) {
        if (is_dir(n))
            RETURN_ERR(req, EISDIR);
        if (attr->st_size < 0)
            RETURN_ERR(req, EINVAL);
        resize(n, (size_t)attr->st_size);
    }
    if (to_set & FUSE_SET_ATTR_MODE)
        n->mode = (n->mode & S_IFMT) | (attr->st_mode & 07777);
    if (to_set & FUSE_SET_ATTR_UID)
        n->uid = attr->st_uid;
    if (to_set & FUSE_SET_ATTR_GID)
        n->gid = attr->st_gid;
    struct timespec t = now();
    if (to_set & FUSE_SET_ATTR_ATIME)
        n->atime = (to_set & FUSE_SET_ATTR_ATIME_NOW) ? t : attr->st_atim;
    if (to_set & FUSE_SET_ATTR_MTIME)
        n->mtime = (to_set & FUSE_SET_ATTR_MTIME_NOW) ? t : attr->st_mtim;
    n->ctime = (to_set & FUSE_SET_ATTR_CTIME) ? attr->st_ctim : t;
    struct stat st;
    fill_stat(n, &st);
    fuse_reply_attr(req, &st, 0);
    op_done();
}

/* Appends one entry if it fits; false when the reply buffer is full. */
static bool add_dirent(fuse_req_t req, char *buf, size_t size, size_t *used, const char *name,
                       const struct stat *st, off_t next)
{
    size_t need = fuse_add_direntry(req, buf + *used, size - *used, name, st, next);
    if (need > size - *used)
        return false;
    *used += need;
    return true;
}

static void pc_readdir(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
                       struct fuse_file_info *fi)
{
    (void)fi;
    struct node *d = N(ino);
    char *buf = xrealloc(NULL, size);
    size_t used = 0;
    struct stat st;
    memset(&st, 0, sizeof st);
    st.st_mode = S_IFDIR;
    st.st_ino = d->ino;
    if ((off >= 1 || add_dirent(req, buf, size, &used, ".", &st, 1)) &&
        (off >= 2 || add_dirent(req, buf, size, &used, "..", &st, 2))) {
        /* Resume after OFF: the visible list is sorted by cookie. */
        size_t lo = 0, hi = d->vis.n;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (d->vis.v[mid].cookie <= off)
                lo = mid + 1;
            else
                hi = mid;
        }
        for (size_t i = lo; i < d->vis.n; i++) {
            const struct dentry *e = &d->vis.v[i];
            st.st_ino = e->node->ino;
            st.st_mode = e->node->mode;
            if (!add_dirent(req, buf, size, &used, e->name, &st, e->cookie))
                break; /* the kernel asks again from the last cookie sent */
        }
    }
    /* /.powercut is deliberately not listed. */
    fuse_reply_buf(req, buf, used);
    free(buf);
}

static void pc_mkdir(fuse_req_t req, fuse_ino_t parent, const char *name, mode_t mode)
{
    struct node *p = N(parent);
    if (is_control(parent, name) || dentries_find(&p->vis, name) >= 0)
        RETURN_ERR(req, EEXIST);
    struct node *n = node_new(S_IFDIR | (mode & 07777), req);
    n->parent = p;
    dentries_add(&p->vis, name, n);
    n->vlinks++;
    touch(p, true);
    reply_entry(req, n);
    op_done();
}

static void pc_open(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
    struct node *n = N(ino);
    if (!n) {
        /* No FLUSH on close: the loop is gone right after the cut, and a
         * pending FLUSH would make the trigger's close() fail. */
        fi->noflush = 1;
        fi->direct_io = 1;
        fuse_reply_open(req, fi);
        return;
    }
    if (is_dir(n))
        RETURN_ERR(req, EISDIR);
    /* libfuse negotiates atomic O_TRUNC, so truncation may arrive here. */
    bool trunc = (fi->flags & O_TRUNC) && (fi->flags & O_ACCMODE) != O_RDONLY;
    if (trunc)
        resize(n, 0);
    fuse_reply_open(req, fi);
    if (trunc)
        op_done();
}

static void pc_create(fuse_req_t req, fuse_ino_t parent, const char *name, mode_t mode,
                      struct fuse_file_info *fi)
{
    struct node *p = N(parent);
    ssize_t i = dentries_find(&p->vis, name);
    struct fuse_entry_param e;
    memset(&e, 0, sizeof e);
    if (is_control(parent, name) || i >= 0) {
        /* The kernel looks up first, so this is a race or the control file. */
        if (fi->flags & O_EXCL)
            RETURN_ERR(req, EEXIST);
        if (i < 0) {
            fi->noflush = 1;
            fi->direct_io = 1;
            e.ino = CONTROL_INO;
            control_stat(&e.attr);
            fuse_reply_create(req, &e, fi);
            return;
        }
        struct node *n = p->vis.v[i].node;
        if (is_dir(n))
            RETURN_ERR(req, EISDIR);
        if (fi->flags & O_TRUNC)
            resize(n, 0);
        n->nlookup++;
        e.ino = node_id(n);
        fill_stat(n, &e.attr);
        fuse_reply_create(req, &e, fi);
        op_done();
        return;
    }
    struct node *n = node_new(S_IFREG | (mode & 07777), req);
    dentries_add(&p->vis, name, n);
    n->vlinks++;
    n->nlookup++;
    touch(p, true);
    e.ino = node_id(n);
    fill_stat(n, &e.attr);
    fuse_reply_create(req, &e, fi);
    op_done();
}

static void pc_read(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
                    struct fuse_file_info *fi)
{
    (void)fi;
    struct node *n = N(ino);
    if (!n || off < 0 || (size_t)off >= n->size) {
        fuse_reply_buf(req, NULL, 0);
        return;
    }
    size_t len = n->size - (size_t)off;
    fuse_reply_buf(req, n->data + off, len < size ? len : size);
}

static void pc_write(fuse_req_t req, fuse_ino_t ino, const char *buf, size_t size, off_t off,
                     struct fuse_file_info *fi)
{
    struct node *n = N(ino);
    if (!n) {
        fuse_reply_write(req, size);
        request_cut("write to /" CONTROL_NAME);
        return;
    }
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
    /* The caller is told the whole write happened even when torn: as with a
     * real cut, it cannot learn otherwise before it is gone. */
    fuse_reply_write(req, size);
    if (cut) {
        if (apply < size)
            logmsg("torn write: %zu of %zu bytes at offset %zu", apply, size, start);
        request_cut("POWERCUT_CUT_AFTER_WRITES reached");
    }
    op_done();
}

static void pc_flush(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
    (void)ino;
    (void)fi;
    fuse_reply_err(req, 0); /* close() is not a sync point */
}

static void pc_release(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
    (void)ino;
    (void)fi;
    fuse_reply_err(req, 0); /* lifetime is tracked by lookup counts */
}

static void pc_fsync(fuse_req_t req, fuse_ino_t ino, int datasync, struct fuse_file_info *fi)
{
    (void)fi;
    struct node *n = N(ino);
    if (!n)
        RETURN_ERR(req, 0);
    int err = fsync_fault();
    if (err)
        RETURN_ERR(req, err);
    commit_data(n);
    if (!datasync)
        n->dmode = n->mode & 07777;
    fuse_reply_err(req, 0);
    op_done();
}

static void pc_opendir(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
    struct node *n = N(ino);
    if (!n || !is_dir(n))
        RETURN_ERR(req, ENOTDIR);
    fuse_reply_open(req, fi);
}

static void pc_fsyncdir(fuse_req_t req, fuse_ino_t ino, int datasync, struct fuse_file_info *fi)
{
    (void)fi;
    struct node *dir = N(ino);
    int err = fsync_fault();
    if (err)
        RETURN_ERR(req, err);
    commit_dir(dir);
    if (!datasync)
        dir->dmode = dir->mode & 07777;
    fuse_reply_err(req, 0);
    op_done();
}

static void remove_entry(fuse_req_t req, fuse_ino_t parent, const char *name, bool want_dir)
{
    if (is_control(parent, name))
        RETURN_ERR(req, EPERM);
    struct node *p = N(parent);
    ssize_t i = dentries_find(&p->vis, name);
    if (i < 0)
        RETURN_ERR(req, ENOENT);
    struct node *n = p->vis.v[i].node;
    if (want_dir != is_dir(n))
        RETURN_ERR(req, want_dir ? ENOTDIR : EISDIR);
    if (want_dir && n->vis.n)
        RETURN_ERR(req, ENOTEMPTY);
    dentries_del(&p->vis, (size_t)i);
    n->vlinks--;
    touch(p, true);
    touch(n, false);
    node_put(n); /* usually kept alive by the kernel's lookup count */
    fuse_reply_err(req, 0);
    op_done();
}

static void pc_unlink(fuse_req_t req, fuse_ino_t parent, const char *name)
{
    remove_entry(req, parent, name, false);
}

static void pc_rmdir(fuse_req_t req, fuse_ino_t parent, const char *name)
{
    remove_entry(req, parent, name, true);
}

/* True if directory D is A or lies below it (visible namespace). */
static bool below(const struct node *d, const struct node *a)
{
    for (; d; d = d->parent)
        if (d == a)
            return true;
    return false;
}

static void pc_rename(fuse_req_t req, fuse_ino_t parent, const char *name, fuse_ino_t newparent,
                      const char *newname, unsigned int flags)
{
    if (flags & ~(unsigned)(RENAME_NOREPLACE | RENAME_EXCHANGE))
        RETURN_ERR(req, EINVAL); /* RENAME_WHITEOUT */
    if (is_control(parent, name) || is_control(newparent, newname))
        RETURN_ERR(req, EPERM);
    struct node *sp = N(parent), *dp = N(newparent);
    ssize_t si = dentries_find(&sp->vis, name);
    if (si < 0)
        RETURN_ERR(req, ENOENT);
    struct node *s = sp->vis.v[si].node;
    ssize_t di = dentries_find(&dp->vis, newname);
    struct node *d = di >= 0 ? dp->vis.v[di].node : NULL;
    if (d == s)
        RETURN_ERR(req, 0);
    if (is_dir(s) && below(dp, s))
        RETURN_ERR(req, EINVAL);

    /* Visible namespace only: the durable one keeps the old names until the
     * directories involved are fsync'ed. */
    if (flags & RENAME_EXCHANGE) {
        if (!d)
            RETURN_ERR(req, ENOENT);
        if (is_dir(d) && below(sp, d))
            RETURN_ERR(req, EINVAL);
        sp->vis.v[si].node = d;
        dp->vis.v[di].node = s;
        if (is_dir(s))
            s->parent = dp;
        if (is_dir(d))
            d->parent = sp;
        touch(d, false);
    } else {
        if (d) {
            if (flags & RENAME_NOREPLACE)
                RETURN_ERR(req, EEXIST);
            if (is_dir(s) != is_dir(d))
                RETURN_ERR(req, is_dir(d) ? EISDIR : ENOTDIR);
            if (is_dir(d) && d->vis.n)
                RETURN_ERR(req, ENOTEMPTY);
        }
        dentries_del(&sp->vis, (size_t)si);
        if (d) {
            di = dentries_find(&dp->vis, newname); /* the del may shift it */
            dp->vis.v[di].node = s;
            d->vlinks--;
            touch(d, false);
            node_put(d);
        } else {
            dentries_add(&dp->vis, newname, s);
        }
        if (is_dir(s))
            s->parent = dp;
    }
    touch(sp, true);
    touch(dp, true);
    touch(s, false);
    fuse_reply_err(req, 0);
    op_done();
}

static void pc_statfs(fuse_req_t req, fuse_ino_t ino)
{
    (void)ino;
    struct statvfs st;
    memset(&st, 0, sizeof st);
    st.f_bsize = st.f_frsize = 4096;
    st.f_blocks = st.f_bfree = st.f_bavail = 1u << 20;
    st.f_files = st.f_ffree = st.f_favail = 1u << 20;
    st.f_namemax = 255;
    fuse_reply_statfs(req, &st);
}

static const struct fuse_lowlevel_ops ops = {
    .init = pc_init,
    .lookup = pc_lookup,
    .forget = pc_forget,
    .getattr = pc_getattr,
    .setattr = pc_setattr,
    .readdir = pc_readdir,
    .mkdir = pc_mkdir,
    .create = pc_create,
    .open = pc_open,
    .read = pc_read,
    .write = pc_write,
    .flush = pc_flush,
    .release = pc_release,
    .fsync = pc_fsync,
    .opendir = pc_opendir,
    .fsyncdir = pc_fsyncdir,
    .unlink = pc_unlink,
    .rmdir = pc_rmdir,
    .rename = pc_rename,
    .statfs = pc_statfs,
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
        if (dir == &root && strcmp(e->d_name, CONTROL_NAME) == 0) {
            logmsg("skipping %s/%s: reserved name", where, e->d_name);
            continue;
        }
        struct node *n = node_new(st.st_mode & (S_IFMT | 07777), NULL);
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
            n->parent = dir;
            int sub = openat(dirfd, e->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
            if (sub < 0) {
                r = -errno;
                break;
            }
            char path[PATH_MAX + 256];
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
            if (mkdirat(dirfd, name, 0700) < 0) {
                r = -errno;
                break;
            }
            int sub = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
            if (sub < 0) {
                r = -errno;
                break;
            }
            r = save_tree(sub, n);
            if (r == 0 && fchmod(sub, n->dmode) < 0)
                r = -errno;
            close(sub);
        } else {
            /* An inode durably named twice (see the cross-directory rename
             * above) gets one copy per name: hard links are not modelled. */
            int fd = openat(dirfd, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
            if (fd < 0) {
                r = -errno;
                break;
            }
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
    if (fd < 0) {
        logmsg("%s: %s", backing, strerror(errno));
        return -1;
    }
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
                    "  power cut: write to MOUNTPOINT/" CONTROL_NAME " or send SIGUSR1\n");
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
    if (!realpath(pos[0], backing)) {
        logmsg("%s: %s", pos[0], strerror(errno));
        return 2;
    }
    if (!realpath(pos[1], mnt)) {
        logmsg("%s: %s", pos[1], strerror(errno));
        return 2;
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

    session = fuse_session_new(&args, &ops, sizeof ops, NULL);
    if (!session)
        return 2;
    /* SIGTERM/SIGINT/SIGHUP stop the loop too; every end is a power cut. */
    if (fuse_set_signal_handlers(session) != 0)
        return 2;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sigusr1; /* no SA_RESTART: interrupt the blocking read */
    sigemptyset(&sa.sa_mask);
    sigaction(SIGUSR1, &sa, NULL);
    if (fuse_session_mount(session, mnt) != 0)
        return 2;
    if (fuse_daemonize(foreground) != 0)
        return 2;

    fuse_session_loop(session);

    /* Write the durable state BEFORE unmounting, so "mount gone" implies
     * "BACKING_DIR complete" for anyone polling the mount point. */
    if (got_sigusr1)
        cut_reason = "SIGUSR1";
    logmsg("power cut (%s); writing durable state to %s", cut_reason, backing);
    int rc = save_durable(backing) == 0 ? 0 : 1;
    fuse_session_unmount(session);
    fuse_remove_signal_handlers(session);
    fuse_session_destroy(session);
    fuse_opt_free_args(&args);
    return rc;
}
