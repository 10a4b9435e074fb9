/*
 * TCI bytecode listing: decodes the stream of tci-gen.c (format in
 * tci-internal.h) back into readable lines, for -d out_asm with TCI and
 * for debugging the backend. Every read is bounds-checked: a corrupt or
 * truncated stream ends the listing with a note, never a crash.
 */
#include <stdbool.h>
#include <string.h>

#include "tcg/tci.h"
#include "tci-internal.h"
#include "tcg/tcg.h"

typedef struct TCIReader {
    const uint8_t *base;
    size_t size;
    size_t pos;
    bool bad;
} TCIReader;

static uint32_t tci_rd_unit(TCIReader *r)
{
    uint32_t v = 0;

    if (r->bad || r->size - r->pos < 4) {
        r->bad = true;
        return 0;
    }
    memcpy(&v, r->base + r->pos, 4);
    r->pos += 4;
    return v;
}

/* Append the text of one operand to buf. */
static void tci_fmt_operand(TCIReader *r, char *buf, size_t bufsize)
{
    uint32_t u = tci_rd_unit(r);
    int32_t field = (int32_t)u >> TCI_FIELD_SHIFT;
    const char *w = (u & TCI_OPND_I32) ? ":32" : "";
    size_t len = strlen(buf);
    char *p = buf + len;
    size_t room = bufsize - len;

    if (r->bad) {
        return;
    }
    switch (u & TCI_K_MASK) {
    case TCI_K_SLOT:
        if (field == 0) {
            snprintf(p, room, "%senv", len ? ", " : "");
        } else {
            snprintf(p, room, "%st%d%s", len ? ", " : "", (int)field, w);
        }
        break;
    case TCI_K_ENV:
        snprintf(p, room, "%senv[%+d]%s", len ? ", " : "", (int)field, w);
        break;
    case TCI_K_SMALL:
        snprintf(p, room, "%s$%#llx", len ? ", " : "", (unsigned long long)(int64_t)field);
        break;
    default: {
        uint64_t lo = tci_rd_unit(r), hi = tci_rd_unit(r);
        snprintf(p, room, "%s$%#llx", len ? ", " : "", (unsigned long long)(lo | hi << 32));
        break;
    }
    }
}

static const char *const tci_cond_names[] = {
    "never", "always", "eq", "ne", "lt", "ge", "le", "gt",
    "ltu", "geu", "leu", "gtu", "tsteq", "tstne",
};

bool tci_disas(FILE *f, const void *code, size_t size)
{
    TCIReader r = { .base = code, .size = size };

    while (r.pos < size && !r.bad) {
        size_t off = r.pos;
        uint32_t hdr = tci_rd_unit(&r);
        unsigned opc = TCI_HDR_OPC(hdr);
        bool is64 = (hdr & TCI_HDR_I64) != 0;
        char ins[256] = "", outs[128] = "", extra[64] = "";
        int ni = 0, nc = 0, no = 0;

        if (opc >= NB_OPS) {
            fprintf(f, "  %04zx: <bad opcode %u>\n", off, opc);
            return false;
        }
        switch (opc) {
        case INDEX_op_br: {
            int32_t disp = (int32_t)tci_rd_unit(&r);
            snprintf(extra, sizeof(extra), "-> %04zx", off + disp);
            break;
        }
        case INDEX_op_brcond: {
            int32_t disp;
            tci_fmt_operand(&r, ins, sizeof(ins));
            tci_fmt_operand(&r, ins, sizeof(ins));
            disp = (int32_t)tci_rd_unit(&r);
            snprintf(extra, sizeof(extra), "%s -> %04zx", tci_cond_names[TCI_HDR_AUX1(hdr) % 14],
                     off + disp);
            break;
        }
        case INDEX_op_goto_tb: {
            uint64_t target = 0;
            while (!r.bad && (((uintptr_t)r.base + r.pos) & 7)) {
                tci_rd_unit(&r);
            }
            if (!r.bad && r.size - r.pos >= 8) {
                memcpy(&target, r.base + r.pos, 8);
                r.pos += 8;
            } else {
                r.bad = true;
            }
            snprintf(extra, sizeof(extra), "-> %#llx", (unsigned long long)target);
            break;
        }
        case INDEX_op_mb:
            break;
        case INDEX_op_call:
            tci_fmt_operand(&r, ins, sizeof(ins)); /* the function */
            ni = (int)TCI_HDR_AUX2(hdr);
            no = (int)TCI_HDR_AUX1(hdr);
            break;
        case INDEX_op_setcond:
        case INDEX_op_movcond:
            ni = tcg_op_defs[opc].nb_iargs;
            no = 1;
            snprintf(extra, sizeof(extra), "%s", tci_cond_names[TCI_HDR_AUX1(hdr) % 14]);
            break;
        case INDEX_op_deposit:
        case INDEX_op_extract:
        case INDEX_op_sextract:
            ni = tcg_op_defs[opc].nb_iargs;
            no = 1;
            snprintf(extra, sizeof(extra), "ofs %u len %u", TCI_HDR_AUX2(hdr) & 0xff,
                     TCI_HDR_AUX2(hdr) >> 8);
            break;
        default:
            ni = tcg_op_defs[opc].nb_iargs;
            nc = tcg_op_defs[opc].nb_cargs;
            no = tcg_op_defs[opc].nb_oargs;
            break;
        }
        for (int i = 0; i < ni + nc; i++) {
            tci_fmt_operand(&r, ins, sizeof(ins));
        }
        for (int i = 0; i < no; i++) {
            tci_fmt_operand(&r, outs, sizeof(outs));
        }
        if (r.bad) {
            break;
        }
        fprintf(f, "  %04zx: %s_%s", off, tcg_op_defs[opc].name, is64 ? "i64" : "i32");
        /* outputs first, as in the IR dump */
        const char *sep = " ";
        const char *parts[3] = { outs, ins, extra };
        for (int i = 0; i < 3; i++) {
            if (parts[i][0]) {
                fprintf(f, "%s%s", sep, parts[i]);
                sep = ", ";
            }
        }
        fputc('\n', f);
    }
    if (r.bad) {
        fprintf(f, "  %04zx: <truncated>\n", r.pos);
        return false;
    }
    return true;
}
