/*
 * AML byte-code builder (see include/hw/acpi/aml-build.h for the model).
 *
 * A term is a byte buffer plus, for the opcodes that wrap a body in a
 * PkgLength (Scope, Device, Method, If, Else, Package, Buffer, Field), the
 * opcode and kind; the PkgLength can only be written once the body is
 * complete, so it is produced when the term is appended to its parent
 * (aml_append) or its bytes are requested (aml_data).
 * References: ACPI 6.4 specification, 20.2 (AML grammar) and 6.4
 * (resource data types).
 */
#include "hw/acpi/aml-build.h"

#include <stdlib.h>
#include <string.h>

#include "util/log.h"

typedef enum AmlKind {
    AML_KIND_RAW,      /* bytes as they are */
    AML_KIND_PKGLEN,   /* op PkgLength body */
    AML_KIND_PACKAGE,  /* op PkgLength NumElements body */
    AML_KIND_BUFFER,   /* op PkgLength BufferSize body */
    AML_KIND_RESOURCE, /* a Buffer whose body ends with an End tag */
} AmlKind;

struct Aml {
    AmlKind kind;
    uint8_t op[2];
    int oplen;
    unsigned nelem; /* Package elements */
    uint8_t *buf;
    size_t len, cap;
    uint8_t *enc; /* encoded form for aml_data, built on demand */
    size_t enc_len;
};

/* AML opcodes (ACPI 6.4, 20.3) */
enum {
    AML_ZERO_OP = 0x00,
    AML_ONE_OP = 0x01,
    AML_NAME_OP = 0x08,
    AML_BYTE_PREFIX = 0x0a,
    AML_WORD_PREFIX = 0x0b,
    AML_DWORD_PREFIX = 0x0c,
    AML_STRING_PREFIX = 0x0d,
    AML_QWORD_PREFIX = 0x0e,
    AML_SCOPE_OP = 0x10,
    AML_BUFFER_OP = 0x11,
    AML_PACKAGE_OP = 0x12,
    AML_METHOD_OP = 0x14,
    AML_DUAL_NAME_PREFIX = 0x2e,
    AML_MULTI_NAME_PREFIX = 0x2f,
    AML_EXT_OP_PREFIX = 0x5b,
    AML_ROOT_CHAR = 0x5c,
    AML_PARENT_PREFIX = 0x5e,
    AML_LOCAL0_OP = 0x60,
    AML_ARG0_OP = 0x68,
    AML_STORE_OP = 0x70,
    AML_DECREMENT_OP = 0x76,
    AML_SHIFT_LEFT_OP = 0x79,
    AML_AND_OP = 0x7b,
    AML_OR_OP = 0x7d,
    AML_FIND_SET_RIGHT_BIT_OP = 0x82,
    AML_CREATE_DWORD_FIELD_OP = 0x8a,
    AML_LNOT_OP = 0x92,
    AML_LEQUAL_OP = 0x93,
    AML_LLESS_OP = 0x95,
    AML_IF_OP = 0xa0,
    AML_ELSE_OP = 0xa1,
    AML_RETURN_OP = 0xa4,
    /* after AML_EXT_OP_PREFIX */
    AML_EXT_OP_REGION = 0x80,
    AML_EXT_FIELD = 0x81,
    AML_EXT_DEVICE = 0x82,
};

/* ---- byte buffers ---- */

static void buf_grow(Aml *a, size_t more)
{
    if (a->len + more > a->cap) {
        size_t cap = a->cap ? a->cap * 2 : 64;
        while (cap < a->len + more) {
            cap *= 2;
        }
        a->buf = realloc(a->buf, cap);
        if (!a->buf) {
            abort();
        }
        a->cap = cap;
    }
}

static void put_bytes(Aml *a, const void *p, size_t n)
{
    buf_grow(a, n);
    memcpy(a->buf + a->len, p, n);
    a->len += n;
}

static void put_byte(Aml *a, uint8_t b)
{
    put_bytes(a, &b, 1);
}

static void put_le(Aml *a, uint64_t v, int n)
{
    for (int i = 0; i < n; i++) {
        put_byte(a, (uint8_t)(v >> (8 * i)));
    }
}

static Aml *aml_alloc(AmlKind kind)
{
    Aml *a = calloc(1, sizeof(*a));

    if (!a) {
        abort();
    }
    a->kind = kind;
    return a;
}

static Aml *aml_opcode(uint8_t op)
{
    Aml *a = aml_alloc(AML_KIND_RAW);

    put_byte(a, op);
    return a;
}

static Aml *aml_block(AmlKind kind, uint8_t op0, int op1)
{
    Aml *a = aml_alloc(kind);

    a->op[0] = op0;
    a->oplen = 1;
    if (op1 >= 0) {
        a->op[1] = (uint8_t)op1;
        a->oplen = 2;
    }
    return a;
}

void aml_free(Aml *a)
{
    if (a) {
        free(a->buf);
        free(a->enc);
        free(a);
    }
}

Aml *aml_new_block(void)
{
    return aml_alloc(AML_KIND_RAW);
}

/*
 * PkgLength (20.2.4): the length counts itself. Up to 63 fits the low six
 * bits of one byte; otherwise bits 7:6 of the lead byte give the number of
 * following bytes (1-3), its low nibble holds bits 3:0 and each following
 * byte the next eight bits.
 */
static void put_pkglen_value(Aml *out, size_t total)
{
    int extra = total <= 0x3f ? 0 : total <= 0xfff ? 1 : total <= 0xfffff ? 2 : 3;

    if (extra == 0) {
        put_byte(out, (uint8_t)total);
        return;
    }
    put_byte(out, (uint8_t)((extra << 6) | (total & 0xf)));
    for (int i = 0; i < extra; i++) {
        put_byte(out, (uint8_t)(total >> (4 + 8 * i)));
    }
}

static void put_pkglen(Aml *out, size_t body)
{
    int extra;

    for (extra = 0; extra <= 3; extra++) {
        size_t total = body + 1 + extra;
        size_t limit = extra == 0 ? 0x3f : ((size_t)1 << (4 + 8 * extra)) - 1;

        if (total <= limit) {
            put_pkglen_value(out, total);
            return;
        }
    }
    log_mask_printf(LOG_UNIMP, "aml: term of %zu bytes exceeds PkgLength\n", body);
    abort();
}

/* Append the encoding of a to out. */
static void aml_encode(Aml *out, const Aml *a)
{
    Aml *body;

    if (a->kind == AML_KIND_RAW) {
        put_bytes(out, a->buf, a->len);
        return;
    }
    /* the body behind the PkgLength, with its kind-specific prefix */
    body = aml_alloc(AML_KIND_RAW);
    switch (a->kind) {
    case AML_KIND_PACKAGE:
        put_byte(body, (uint8_t)a->nelem);
        put_bytes(body, a->buf, a->len);
        break;
    case AML_KIND_BUFFER:
    case AML_KIND_RESOURCE: {
        size_t n = a->len + (a->kind == AML_KIND_RESOURCE ? 2 : 0);
        Aml *size = aml_int(n);

        aml_encode(body, size);
        aml_free(size);
        put_bytes(body, a->buf, a->len);
        if (a->kind == AML_KIND_RESOURCE) {
            /* End tag; checksum 0 means "treat as valid" (6.4.2.9) */
            put_byte(body, 0x79);
            put_byte(body, 0x00);
        }
        break;
    }
    default:
        put_bytes(body, a->buf, a->len);
        break;
    }
    put_bytes(out, a->op, a->oplen);
    put_pkglen(out, body->len);
    put_bytes(out, body->buf, body->len);
    aml_free(body);
}

void aml_append(Aml *parent, Aml *child)
{
    if (parent->kind == AML_KIND_RESOURCE) {
        /* descriptors are raw bytes, not terms */
        put_bytes(parent, child->buf, child->len);
    } else {
        aml_encode(parent, child);
    }
    /* the cached encoding (aml_data) is stale now */
    free(parent->enc);
    parent->enc = NULL;
    parent->nelem++;
    aml_free(child);
}

const uint8_t *aml_data(const Aml *a)
{
    Aml *self = (Aml *)a;
    Aml *enc;

    if (a->kind == AML_KIND_RAW) {
        return a->buf;
    }
    if (self->enc) {
        return self->enc;
    }
    enc = aml_alloc(AML_KIND_RAW);
    aml_encode(enc, a);
    self->enc = enc->buf;
    self->enc_len = enc->len;
    free(enc);
    return self->enc;
}

size_t aml_len(const Aml *a)
{
    if (a->kind == AML_KIND_RAW) {
        return a->len;
    }
    aml_data(a);
    return a->enc_len;
}

/* Append term t (consumed) to a. */
static void put_term(Aml *a, Aml *t)
{
    aml_encode(a, t);
    aml_free(t);
}

/* ---- names ---- */

static void put_nameseg(Aml *a, const char *seg, size_t n)
{
    char s[4] = { '_', '_', '_', '_' };

    if (n == 0 || n > 4) {
        log_mask_printf(LOG_UNIMP, "aml: bad name segment '%.*s'\n", (int)n, seg);
        abort();
    }
    memcpy(s, seg, n);
    put_bytes(a, s, 4);
}

/* NameString (20.2.2): root/parent prefixes, then one, two (DualNamePath)
 * or more (MultiNamePath) segments. */
static void put_namestring(Aml *a, const char *path)
{
    const char *p = path;
    const char *segs[32];
    size_t lens[32];
    int n = 0;

    if (*p == '\\') {
        put_byte(a, AML_ROOT_CHAR);
        p++;
    }
    while (*p == '^') {
        put_byte(a, AML_PARENT_PREFIX);
        p++;
    }
    while (*p) {
        const char *dot = strchr(p, '.');
        size_t l = dot ? (size_t)(dot - p) : strlen(p);

        if (n == 32) {
            abort();
        }
        segs[n] = p;
        lens[n++] = l;
        p += l;
        if (*p == '.') {
            p++;
        }
    }
    if (n == 0) {
        put_byte(a, 0x00); /* NullName */
        return;
    }
    if (n == 2) {
        put_byte(a, AML_DUAL_NAME_PREFIX);
    } else if (n > 2) {
        put_byte(a, AML_MULTI_NAME_PREFIX);
        put_byte(a, (uint8_t)n);
    }
    for (int i = 0; i < n; i++) {
        put_nameseg(a, segs[i], lens[i]);
    }
}

/* ---- data ---- */

Aml *aml_int(uint64_t v)
{
    Aml *a = aml_alloc(AML_KIND_RAW);

    if (v == 0) {
        put_byte(a, AML_ZERO_OP);
    } else if (v == 1) {
        put_byte(a, AML_ONE_OP);
    } else if (v <= 0xff) {
        put_byte(a, AML_BYTE_PREFIX);
        put_le(a, v, 1);
    } else if (v <= 0xffff) {
        put_byte(a, AML_WORD_PREFIX);
        put_le(a, v, 2);
    } else if (v <= 0xffffffffu) {
        put_byte(a, AML_DWORD_PREFIX);
        put_le(a, v, 4);
    } else {
        put_byte(a, AML_QWORD_PREFIX);
        put_le(a, v, 8);
    }
    return a;
}

Aml *aml_string(const char *s)
{
    Aml *a = aml_opcode(AML_STRING_PREFIX);

    put_bytes(a, s, strlen(s) + 1);
    return a;
}

Aml *aml_name(const char *path)
{
    Aml *a = aml_alloc(AML_KIND_RAW);

    put_namestring(a, path);
    return a;
}

/* EISA id: three letters in 5-bit fields then four hex digits, stored
 * big-endian as a DWord (6.1.5). */
Aml *aml_eisaid(const char *id)
{
    uint32_t v;
    uint8_t b[4];

    if (strlen(id) != 7) {
        abort();
    }
    v = (uint32_t)((id[0] - 0x40) & 0x1f) << 26 | (uint32_t)((id[1] - 0x40) & 0x1f) << 21 |
        (uint32_t)((id[2] - 0x40) & 0x1f) << 16 | (uint32_t)strtoul(id + 3, NULL, 16);
    b[0] = v >> 24;
    b[1] = v >> 16;
    b[2] = v >> 8;
    b[3] = v;
    return aml_int((uint32_t)(b[0] | b[1] << 8 | b[2] << 16 | (uint32_t)b[3] << 24));
}

Aml *aml_local(int n)
{
    return aml_opcode((uint8_t)(AML_LOCAL0_OP + (n & 7)));
}

Aml *aml_arg(int n)
{
    return aml_opcode((uint8_t)(AML_ARG0_OP + (n % 7)));
}

Aml *aml_package(void)
{
    return aml_block(AML_KIND_PACKAGE, AML_PACKAGE_OP, -1);
}

Aml *aml_buffer(const uint8_t *data, size_t len)
{
    Aml *a = aml_block(AML_KIND_BUFFER, AML_BUFFER_OP, -1);

    put_bytes(a, data, len);
    return a;
}

/* ---- named objects ---- */

Aml *aml_name_decl(const char *name, Aml *value)
{
    Aml *a = aml_opcode(AML_NAME_OP);

    put_namestring(a, name);
    put_term(a, value);
    return a;
}

Aml *aml_scope(const char *path)
{
    Aml *a = aml_block(AML_KIND_PKGLEN, AML_SCOPE_OP, -1);

    put_namestring(a, path);
    return a;
}

Aml *aml_device(const char *path)
{
    Aml *a = aml_block(AML_KIND_PKGLEN, AML_EXT_OP_PREFIX, AML_EXT_DEVICE);

    put_namestring(a, path);
    return a;
}

Aml *aml_method(const char *name, int nargs, bool serialized)
{
    Aml *a = aml_block(AML_KIND_PKGLEN, AML_METHOD_OP, -1);

    put_namestring(a, name);
    /* MethodFlags: bits 2:0 ArgCount, bit 3 SerializeFlag */
    put_byte(a, (uint8_t)((nargs & 7) | (serialized ? 8 : 0)));
    return a;
}

Aml *aml_operation_region(const char *name, AmlRegionSpace space, Aml *offset, Aml *len)
{
    Aml *a = aml_opcode(AML_EXT_OP_PREFIX);

    put_byte(a, AML_EXT_OP_REGION);
    put_namestring(a, name);
    put_byte(a, (uint8_t)space);
    put_term(a, offset);
    put_term(a, len);
    return a;
}

Aml *aml_field(const char *region, AmlAccessType access, AmlUpdateRule rule)
{
    Aml *a = aml_block(AML_KIND_PKGLEN, AML_EXT_OP_PREFIX, AML_EXT_FIELD);

    put_namestring(a, region);
    /* FieldFlags: bits 3:0 AccessType, bit 4 LockRule (NoLock), 6:5 UpdateRule */
    put_byte(a, (uint8_t)(access | rule << 5));
    return a;
}

Aml *aml_named_field(const char *name, unsigned bits)
{
    Aml *a = aml_alloc(AML_KIND_RAW);

    put_nameseg(a, name, strlen(name));
    put_pkglen_value(a, bits); /* a bit count, encoded as a PkgLength */
    return a;
}

Aml *aml_reserved_field(unsigned bits)
{
    Aml *a = aml_opcode(0x00);

    put_pkglen_value(a, bits);
    return a;
}

/* ---- statements and expressions ---- */

static Aml *aml_op1(uint8_t op, Aml *x)
{
    Aml *a = aml_opcode(op);

    put_term(a, x);
    return a;
}

/* Target: a SuperName, or NullName when the result is not stored. */
static void put_target(Aml *a, Aml *target)
{
    if (target) {
        put_term(a, target);
    } else {
        put_byte(a, 0x00);
    }
}

static Aml *aml_op2_target(uint8_t op, Aml *x, Aml *y, Aml *target)
{
    Aml *a = aml_opcode(op);

    put_term(a, x);
    put_term(a, y);
    put_target(a, target);
    return a;
}

Aml *aml_return(Aml *v)
{
    return aml_op1(AML_RETURN_OP, v);
}

Aml *aml_store(Aml *src, Aml *dst)
{
    Aml *a = aml_op1(AML_STORE_OP, src);

    put_term(a, dst);
    return a;
}

Aml *aml_if(Aml *predicate)
{
    Aml *a = aml_block(AML_KIND_PKGLEN, AML_IF_OP, -1);

    put_term(a, predicate);
    return a;
}

Aml *aml_else(void)
{
    return aml_block(AML_KIND_PKGLEN, AML_ELSE_OP, -1);
}

Aml *aml_and(Aml *x, Aml *y, Aml *target)
{
    return aml_op2_target(AML_AND_OP, x, y, target);
}

Aml *aml_or(Aml *x, Aml *y, Aml *target)
{
    return aml_op2_target(AML_OR_OP, x, y, target);
}

Aml *aml_shiftleft(Aml *x, Aml *count, Aml *target)
{
    return aml_op2_target(AML_SHIFT_LEFT_OP, x, count, target);
}

Aml *aml_lequal(Aml *x, Aml *y)
{
    Aml *a = aml_op1(AML_LEQUAL_OP, x);

    put_term(a, y);
    return a;
}

Aml *aml_lless(Aml *x, Aml *y)
{
    Aml *a = aml_op1(AML_LLESS_OP, x);

    put_term(a, y);
    return a;
}

Aml *aml_lnot(Aml *x)
{
    return aml_op1(AML_LNOT_OP, x);
}

Aml *aml_create_dword_field(Aml *buf, Aml *index, const char *name)
{
    Aml *a = aml_op1(AML_CREATE_DWORD_FIELD_OP, buf);

    put_term(a, index);
    put_namestring(a, name);
    return a;
}

Aml *aml_find_set_right_bit(Aml *x, Aml *target)
{
    Aml *a = aml_op1(AML_FIND_SET_RIGHT_BIT_OP, x);

    put_target(a, target);
    return a;
}

Aml *aml_decrement(Aml *target)
{
    return aml_op1(AML_DECREMENT_OP, target);
}

/* ---- resource descriptors (6.4) ---- */

Aml *aml_resource_template(void)
{
    return aml_block(AML_KIND_RESOURCE, AML_BUFFER_OP, -1);
}

/* I/O port descriptor (6.4.2.5): small item 0x08, 7 bytes. */
Aml *aml_io(uint16_t min, uint16_t max, uint8_t align, uint8_t len)
{
    Aml *a = aml_alloc(AML_KIND_RAW);

    put_byte(a, 0x47);
    put_byte(a, 0x01); /* decodes 16 address bits */
    put_le(a, min, 2);
    put_le(a, max, 2);
    put_byte(a, align);
    put_byte(a, len);
    return a;
}

/* IRQ descriptor (6.4.2.1) without the flags byte: edge, active high. */
Aml *aml_irq_no_flags(uint8_t irq)
{
    Aml *a = aml_alloc(AML_KIND_RAW);

    put_byte(a, 0x22);
    put_le(a, 1u << (irq & 15), 2);
    return a;
}

/* Extended Interrupt descriptor (6.4.3.6). */
Aml *aml_interrupt(bool level, bool active_low, bool shared, const uint32_t *irqs, int n)
{
    Aml *a = aml_alloc(AML_KIND_RAW);

    put_byte(a, 0x89);
    put_le(a, 2 + 4 * (unsigned)n, 2);
    /* bit 0 consumer, 1 edge, 2 active low, 3 shared */
    put_byte(a, (uint8_t)(1 | (level ? 0 : 2) | (active_low ? 4 : 0) | (shared ? 8 : 0)));
    put_byte(a, (uint8_t)n);
    for (int i = 0; i < n; i++) {
        put_le(a, irqs[i], 4);
    }
    return a;
}

/* 32-bit fixed memory range descriptor (6.4.3.4). */
Aml *aml_memory32_fixed(uint32_t base, uint32_t len, bool read_write)
{
    Aml *a = aml_alloc(AML_KIND_RAW);

    put_byte(a, 0x86);
    put_le(a, 9, 2);
    put_byte(a, read_write ? 1 : 0);
    put_le(a, base, 4);
    put_le(a, len, 4);
    return a;
}

/*
 * Address space descriptors (6.4.3.5): tag, length, resource type (0
 * memory, 1 I/O, 2 bus number), general flags (producer, positive decode,
 * MinFixed bit 2, MaxFixed bit 3), type flags, then granularity, min, max,
 * translation offset and length, each of size bytes.
 */
static Aml *aml_addr_space(uint8_t tag, int size, uint8_t type, uint8_t tflags, uint64_t min,
                           uint64_t max)
{
    Aml *a = aml_alloc(AML_KIND_RAW);

    put_byte(a, tag);
    put_le(a, 3 + 5 * (unsigned)size, 2);
    put_byte(a, type);
    put_byte(a, 0x0c);
    put_byte(a, tflags);
    put_le(a, 0, size);
    put_le(a, min, size);
    put_le(a, max, size);
    put_le(a, 0, size);
    put_le(a, max - min + 1, size);
    return a;
}

Aml *aml_word_bus_number(uint16_t min, uint16_t max)
{
    return aml_addr_space(0x88, 2, 2, 0, min, max);
}

Aml *aml_word_io(uint16_t min, uint16_t max)
{
    return aml_addr_space(0x88, 2, 1, 3 /* ISA and non-ISA ranges */, min, max);
}

/* Memory type flags: bit 0 read-write, bits 2:1 = 1 cacheable. */
Aml *aml_dword_memory(uint32_t min, uint32_t max, bool cacheable)
{
    return aml_addr_space(0x87, 4, 0, (uint8_t)(1 | (cacheable ? 2 : 0)), min, max);
}

Aml *aml_qword_memory(uint64_t min, uint64_t max, bool cacheable)
{
    return aml_addr_space(0x8a, 8, 0, (uint8_t)(1 | (cacheable ? 2 : 0)), min, max);
}

/* ---- tables ---- */

uint8_t acpi_checksum(const uint8_t *p, size_t len)
{
    uint8_t sum = 0;

    for (size_t i = 0; i < len; i++) {
        sum += p[i];
    }
    return sum;
}

uint8_t *aml_build_table(const char sig[4], uint8_t rev, const uint8_t *body, size_t body_len,
                         size_t *len)
{
    size_t n = 36 + body_len;
    uint8_t *t = calloc(1, n);

    if (!t) {
        abort();
    }
    memcpy(t, sig, 4);
    for (int i = 0; i < 4; i++) {
        t[4 + i] = (uint8_t)(n >> (8 * i));
    }
    t[8] = rev;
    memcpy(t + 10, "TERN  ", 6);
    memcpy(t + 16, "TERNPC  ", 8);
    t[24] = 1;                 /* OEM revision */
    memcpy(t + 28, "TERN", 4); /* creator id */
    t[32] = 1;                 /* creator revision */
    if (body_len) {
        memcpy(t + 36, body, body_len);
    }
    t[9] = (uint8_t)-acpi_checksum(t, n);
    *len = n;
    return t;
}
