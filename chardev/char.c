/*
 * The chardev core: option parsing, backend classes, creation from
 * -chardev and legacy specs, the registry of chardevs by label, and the
 * backend-to-frontend delivery functions (see chardev/char.h).
 *
 * Specs are QEMU-style option strings: "backend,key=value,key=value";
 * ",," is a literal comma inside a value; a bare key means key=on. Every
 * option must be used by the backend that gets it, so a typo is an error
 * ("chardev: unknown option 'pth' for backend 'socket'"), not silently
 * ignored.
 */
#include "chardev/char.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "chardev-internal.h"
#include "util/main-loop.h"

#define CHARDEV_MAX_OPTS    32
#define CHARDEV_MAX_CLASSES 32

typedef struct ChardevOpt {
    char *key;
    char *value; /* NULL for a bare key */
    bool used;
} ChardevOpt;

struct ChardevOpts {
    char *backend;
    int n;
    ChardevOpt opt[CHARDEV_MAX_OPTS];
};

static Chardev *chardevs;
static void (*mux_monitor_hook)(Chardev *mux);

/* ---- Backend classes ---- */

static const ChardevClass *chardev_classes[CHARDEV_MAX_CLASSES] = {
    &char_null_class, &char_stdio_class, &char_file_class,
    &char_pipe_class, &char_pty_class,   &char_socket_class,
};

void qemu_chr_register_class(const ChardevClass *cls)
{
    for (int i = 0; i < CHARDEV_MAX_CLASSES; i++) {
        if (!chardev_classes[i] || !strcmp(chardev_classes[i]->name, cls->name)) {
            chardev_classes[i] = cls;
            return;
        }
    }
    abort(); /* more classes than slots: raise CHARDEV_MAX_CLASSES */
}

static const ChardevClass *chardev_find_class(const char *name)
{
    for (int i = 0; i < CHARDEV_MAX_CLASSES && chardev_classes[i]; i++) {
        if (!strcmp(chardev_classes[i]->name, name)) {
            return chardev_classes[i];
        }
    }
    return NULL;
}

/* ---- Options ---- */

static void chardev_opts_free(ChardevOpts *opts)
{
    if (!opts) {
        return;
    }
    free(opts->backend);
    for (int i = 0; i < opts->n; i++) {
        free(opts->opt[i].key);
        free(opts->opt[i].value);
    }
    free(opts);
}

/* Copy one ','-terminated item of *p, undoubling ",,"; advances *p. */
static char *chardev_opts_next_item(const char **p)
{
    const char *s = *p;
    char *out = malloc(strlen(s) + 1);
    size_t n = 0;

    if (!out) {
        abort();
    }
    while (*s) {
        if (*s == ',') {
            if (s[1] == ',') {
                out[n++] = ',';
                s += 2;
                continue;
            }
            s++;
            break;
        }
        out[n++] = *s++;
    }
    out[n] = '\0';
    *p = s;
    return out;
}

/*
 * Parse "backend,k=v,...". With backend_first false, the first item is an
 * option too (and *backend stays NULL).
 */
static ChardevOpts *chardev_opts_parse(const char *spec, bool backend_first, Error **errp)
{
    ChardevOpts *opts = calloc(1, sizeof(*opts));
    const char *p = spec;

    if (!opts) {
        abort();
    }
    if (backend_first) {
        opts->backend = chardev_opts_next_item(&p);
        if (!opts->backend[0] || strchr(opts->backend, '=')) {
            error_setg(errp, "chardev: '%s' does not start with a backend name", spec);
            chardev_opts_free(opts);
            return NULL;
        }
    }
    while (*p) {
        char *item = chardev_opts_next_item(&p);
        char *eq = strchr(item, '=');
        ChardevOpt *o;

        if (!item[0]) {
            free(item);
            continue;
        }
        if (opts->n == CHARDEV_MAX_OPTS) {
            error_setg(errp, "chardev: too many options in '%s'", spec);
            free(item);
            chardev_opts_free(opts);
            return NULL;
        }
        o = &opts->opt[opts->n++];
        if (eq) {
            *eq = '\0';
            o->key = strdup(item);
            o->value = strdup(eq + 1);
            free(item);
        } else if (!strcmp(item, "nowait")) {
            /* The legacy spelling of wait=off. */
            o->key = strdup("wait");
            o->value = strdup("off");
            free(item);
        } else {
            o->key = item;
        }
    }
    return opts;
}

static ChardevOpt *chardev_opt_find(ChardevOpts *opts, const char *key)
{
    /* The last occurrence wins, as on a command line. */
    for (int i = opts->n - 1; i >= 0; i--) {
        if (!strcmp(opts->opt[i].key, key)) {
            return &opts->opt[i];
        }
    }
    return NULL;
}

/* Mark every occurrence of key used. */
static void chardev_opt_mark_used(ChardevOpts *opts, const char *key)
{
    for (int i = 0; i < opts->n; i++) {
        if (!strcmp(opts->opt[i].key, key)) {
            opts->opt[i].used = true;
        }
    }
}

const char *chardev_opt_get(ChardevOpts *opts, const char *key)
{
    ChardevOpt *o = chardev_opt_find(opts, key);

    if (!o) {
        return NULL;
    }
    chardev_opt_mark_used(opts, key);
    return o->value ? o->value : "on";
}

bool chardev_opt_get_bool(ChardevOpts *opts, const char *key, bool def, Error **errp)
{
    const char *v = chardev_opt_get(opts, key);

    if (!v) {
        return def;
    }
    if (!strcasecmp(v, "on") || !strcasecmp(v, "yes") || !strcasecmp(v, "true")) {
        return true;
    }
    if (!strcasecmp(v, "off") || !strcasecmp(v, "no") || !strcasecmp(v, "false")) {
        return false;
    }
    error_setg(errp, "chardev: option '%s' wants on or off, not '%s'", key, v);
    return def;
}

int64_t chardev_opt_get_number(ChardevOpts *opts, const char *key, int64_t def, Error **errp)
{
    const char *v = chardev_opt_get(opts, key);
    char *end;
    long long n;

    if (!v) {
        return def;
    }
    errno = 0;
    n = strtoll(v, &end, 0);
    if (!*v || *end || errno || n < 0) {
        error_setg(errp, "chardev: option '%s' wants a non-negative number, not '%s'", key, v);
        return def;
    }
    return n;
}

bool chardev_set_nonblock(int fd)
{
    int fl = fcntl(fd, F_GETFL);

    if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0) {
        return false;
    }
    return fcntl(fd, F_SETFD, FD_CLOEXEC) == 0;
}

/* ---- Chardev objects and the registry ---- */

Chardev *chardev_alloc(const ChardevClass *cls, const char *label)
{
    Chardev *chr;

    chr = calloc(1, cls->instance_size);
    if (!chr) {
        abort();
    }
    chr->cls = cls;
    chr->label = strdup(label);
    chr->filename = strdup(cls->name);
    pthread_mutex_init(&chr->write_lock, NULL);
    return chr;
}

static void chardev_register(Chardev *chr)
{
    Chardev **pp = &chardevs;

    /* Keep creation order, so cleanup and listings follow it. */
    while (*pp) {
        pp = &(*pp)->next;
    }
    chr->next = NULL;
    *pp = chr;
}

void chardev_free(Chardev *chr)
{
    Chardev **pp;

    for (pp = &chardevs; *pp; pp = &(*pp)->next) {
        if (*pp == chr) {
            *pp = chr->next;
            break;
        }
    }
    if (chr->cls->finalize) {
        chr->cls->finalize(chr);
    }
    /* A frontend still attached keeps working, without a backend. */
    if (chr->be && chr->be->chr == chr) {
        chr->be->chr = NULL;
        chr->be = NULL;
    }
    pthread_mutex_destroy(&chr->write_lock);
    free(chr->label);
    free(chr->filename);
    free(chr);
}

Chardev *qemu_chr_find(const char *label)
{
    for (Chardev *chr = chardevs; chr; chr = chr->next) {
        if (!strcmp(chr->label, label)) {
            return chr;
        }
    }
    return NULL;
}

void qemu_chr_delete(Chardev *chr)
{
    if (chr) {
        chardev_free(chr);
    }
}

void qemu_chr_cleanup_all(void)
{
    while (chardevs) {
        Chardev *chr = chardevs;

        /* A mux owns its base and frees it itself; free the mux first. */
        for (Chardev *c = chardevs; c; c = c->next) {
            if (c->cls == &char_mux_class) {
                chr = c;
                break;
            }
        }
        chardev_free(chr);
    }
    qemu_chr_restore_terminal();
}

void qemu_chr_set_mux_monitor_hook(void (*hook)(Chardev *mux))
{
    mux_monitor_hook = hook;
}

/* ---- Creation ---- */

/* Open one backend from parsed opts; registered under label. */
static Chardev *chardev_open(const char *label, ChardevOpts *opts, Error **errp)
{
    const ChardevClass *cls = chardev_find_class(opts->backend);
    Error *local_err = NULL;
    bool be_opened = true;
    Chardev *chr;

    if (!cls) {
        error_setg(errp, "chardev: unknown backend '%s'", opts->backend);
        return NULL;
    }
    chr = chardev_alloc(cls, label);
    if (cls->open && !cls->open(chr, opts, &be_opened, &local_err)) {
        if (!local_err) {
            error_setg(&local_err, "chardev: cannot open backend '%s'", cls->name);
        }
        error_propagate(errp, local_err);
        /* finalize copes with a half-opened backend. */
        chardev_free(chr);
        return NULL;
    }
    if (local_err) {
        /* An option parse error reported alongside a successful open. */
        error_propagate(errp, local_err);
        chardev_free(chr);
        return NULL;
    }
    for (int i = 0; i < opts->n; i++) {
        if (!opts->opt[i].used) {
            error_setg(errp, "chardev: unknown option '%s' for backend '%s'", opts->opt[i].key,
                       cls->name);
            chardev_free(chr);
            return NULL;
        }
    }
    chardev_register(chr);
    if (be_opened) {
        chr->be_open = true;
    }
    return chr;
}

/* Create from parsed opts: the id's own chardev, or a mux over a base. */
static Chardev *chardev_new_from_parsed(const char *label, ChardevOpts *opts, Error **errp)
{
    Error *local_err = NULL;
    Chardev *base, *mux;
    char *base_label;
    bool want_mux;

    if (!label || !label[0]) {
        error_setg(errp, "chardev: missing id=");
        return NULL;
    }
    if (qemu_chr_find(label)) {
        error_setg(errp, "chardev: duplicate id '%s'", label);
        return NULL;
    }
    want_mux = chardev_opt_get_bool(opts, "mux", false, &local_err);
    if (local_err) {
        error_propagate(errp, local_err);
        return NULL;
    }
    if (!want_mux) {
        return chardev_open(label, opts, errp);
    }
    if (asprintf(&base_label, "%s-base", label) < 0) {
        abort();
    }
    base = chardev_open(base_label, opts, errp);
    free(base_label);
    if (!base) {
        return NULL;
    }
    mux = chardev_mux_new(label, base, errp);
    if (!mux) {
        chardev_free(base);
        return NULL;
    }
    chardev_register(mux);
    return mux;
}

Chardev *qemu_chr_new_from_opts(const char *spec, Error **errp)
{
    ChardevOpts *opts;
    const char *id;
    char *label;
    Chardev *chr;

    if (!spec || !spec[0]) {
        error_setg(errp, "chardev: empty spec");
        return NULL;
    }
    opts = chardev_opts_parse(spec, true, errp);
    if (!opts) {
        return NULL;
    }
    id = chardev_opt_get(opts, "id");
    label = id ? strdup(id) : NULL;
    chr = chardev_new_from_parsed(label, opts, errp);
    free(label);
    chardev_opts_free(opts);
    return chr;
}

/* Append ",key=value" with commas in value doubled. */
static void spec_append(char **spec, const char *key, const char *value)
{
    size_t len = strlen(*spec);
    size_t extra = strlen(key) + 2 * strlen(value) + 3;
    char *p;

    *spec = realloc(*spec, len + extra);
    if (!*spec) {
        abort();
    }
    p = *spec + len;
    p += sprintf(p, ",%s=", key);
    for (const char *v = value; *v; v++) {
        *p++ = *v;
        if (*v == ',') {
            *p++ = ',';
        }
    }
    *p = '\0';
}

/* Append raw ",rest" (already in option syntax). */
static void spec_append_raw(char **spec, const char *rest)
{
    size_t len = strlen(*spec);

    *spec = realloc(*spec, len + strlen(rest) + 2);
    if (!*spec) {
        abort();
    }
    sprintf(*spec + len, ",%s", rest);
}

/*
 * Translate a legacy spec into option syntax: "tcp:h:p,server=on" ->
 * "socket,host=h,port=p,server=on". NULL and *errp on an unknown form.
 */
static char *chardev_legacy_to_spec(const char *filename, Error **errp)
{
    const char *rest = NULL;
    char *spec = NULL;
    const char *opts_part;

    if (!strcmp(filename, "null") || !strcmp(filename, "stdio") || !strcmp(filename, "pty")) {
        return strdup(filename);
    }
    if (!strncmp(filename, "file:", 5) || !strncmp(filename, "pipe:", 5)) {
        spec = strndup(filename, 4);
        spec_append(&spec, "path", filename + 5);
        if (!filename[5]) {
            error_setg(errp, "chardev: missing path in '%s'", filename);
            free(spec);
            return NULL;
        }
        return spec;
    }
    if (!strncmp(filename, "unix:", 5)) {
        char *path;

        rest = filename + 5;
        opts_part = strchr(rest, ',');
        path = opts_part ? strndup(rest, opts_part - rest) : strdup(rest);
        if (!path[0]) {
            error_setg(errp, "chardev: missing path in '%s'", filename);
            free(path);
            return NULL;
        }
        spec = strdup("socket");
        spec_append(&spec, "path", path);
        free(path);
        if (opts_part) {
            spec_append_raw(&spec, opts_part + 1);
        }
        return spec;
    }
    if (!strncmp(filename, "tcp:", 4)) {
        const char *colon;
        char *host, *port;

        rest = filename + 4;
        opts_part = strchr(rest, ',');
        colon = memrchr(rest, ':', opts_part ? (size_t)(opts_part - rest) : strlen(rest));
        if (!colon) {
            error_setg(errp, "chardev: '%s' wants tcp:[host]:port", filename);
            return NULL;
        }
        host = strndup(rest, colon - rest);
        port = opts_part ? strndup(colon + 1, opts_part - colon - 1) : strdup(colon + 1);
        spec = strdup("socket");
        if (host[0]) {
            spec_append(&spec, "host", host);
        }
        spec_append(&spec, "port", port);
        free(host);
        free(port);
        if (opts_part) {
            spec_append_raw(&spec, opts_part + 1);
        }
        return spec;
    }
    {
        size_t n = strcspn(filename, ":,");
        char *name = strndup(filename, n);

        error_setg(errp, "chardev: unknown backend '%s'", name);
        free(name);
    }
    return NULL;
}

Chardev *qemu_chr_new(const char *label, const char *filename_spec, Error **errp)
{
    const char *filename = filename_spec;
    bool monitor = false;
    ChardevOpts *opts;
    Chardev *chr;
    char *spec;

    if (!filename || !filename[0]) {
        error_setg(errp, "chardev: empty spec");
        return NULL;
    }
    if (!strncmp(filename, "mon:", 4)) {
        monitor = true;
        filename += 4;
    }
    spec = chardev_legacy_to_spec(filename, errp);
    if (!spec) {
        return NULL;
    }
    if (monitor) {
        spec_append_raw(&spec, "mux=on");
        if (!strcmp(filename, "stdio")) {
            /* With the monitor on stdio, Ctrl-C goes to the guest: the user
             * leaves with Ctrl-a x. */
            spec_append_raw(&spec, "signal=off");
        }
    }
    opts = chardev_opts_parse(spec, true, errp);
    free(spec);
    if (!opts) {
        return NULL;
    }
    chr = chardev_new_from_parsed(label, opts, errp);
    chardev_opts_free(opts);
    if (chr && monitor && mux_monitor_hook) {
        mux_monitor_hook(chr);
    }
    return chr;
}

/* ---- Backend to frontend ---- */

int qemu_chr_be_can_write(Chardev *chr)
{
    CharBackend *be = chr->be;

    if (!be || !be->fe_is_open || !be->chr_can_read) {
        return 0;
    }
    return be->chr_can_read(be->opaque);
}

void qemu_chr_be_write(Chardev *chr, const uint8_t *buf, int len)
{
    CharBackend *be = chr->be;

    if (be && be->fe_is_open && be->chr_read && len > 0) {
        be->chr_read(be->opaque, buf, len);
    }
}

void qemu_chr_be_event(Chardev *chr, QEMUChrEvent event)
{
    CharBackend *be = chr->be;

    switch (event) {
    case CHR_EVENT_OPENED:
        chr->be_open = true;
        break;
    case CHR_EVENT_CLOSED:
        chr->be_open = false;
        break;
    default:
        break;
    }
    if (be && be->fe_is_open && be->chr_event) {
        be->chr_event(be->opaque, event);
    }
}
