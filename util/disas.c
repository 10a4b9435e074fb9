/*
 * Disassembly for -d in_asm / out_asm through capstone; see util/disas.h.
 *
 * Each call opens its own capstone handle, so calls from several threads
 * need no lock (this is a debugging path; its cost does not matter). Bytes
 * capstone cannot decode are printed as .byte lines, so the output always
 * covers the whole range.
 */
#include "util/disas.h"

#include <capstone/capstone.h>
#include <inttypes.h>

#define DISAS_BYTES_PER_LINE 8

static void disas_print_bytes(FILE *f, uint64_t addr, const uint8_t *p, size_t size)
{
    while (size > 0) {
        size_t n = size < DISAS_BYTES_PER_LINE ? size : DISAS_BYTES_PER_LINE;

        fprintf(f, "0x%016" PRIx64 ":  .byte  ", addr);
        for (size_t i = 0; i < n; i++) {
            fprintf(f, "%s0x%02x", i ? ", " : "", p[i]);
        }
        fprintf(f, "\n");
        addr += n;
        p += n;
        size -= n;
    }
}

void disas_x86(FILE *f, DisasMode mode, uint64_t addr, const void *code, size_t size)
{
    csh handle;
    cs_insn *insn;
    cs_mode cmode;
    const uint8_t *p = code;

    switch (mode) {
    case DISAS_X86_16:
        cmode = CS_MODE_16;
        break;
    case DISAS_X86_32:
        cmode = CS_MODE_32;
        break;
    default:
        cmode = CS_MODE_64;
        break;
    }
    if (cs_open(CS_ARCH_X86, cmode, &handle) != CS_ERR_OK) {
        fprintf(f, "# capstone unavailable, raw bytes follow\n");
        disas_print_bytes(f, addr, p, size);
        return;
    }
    insn = cs_malloc(handle);
    if (!insn) {
        cs_close(&handle);
        fprintf(f, "# capstone out of memory, raw bytes follow\n");
        disas_print_bytes(f, addr, p, size);
        return;
    }
    /* cs_disasm_iter advances p, size and addr past each instruction. */
    while (size > 0) {
        uint64_t insn_addr = addr;

        if (!cs_disasm_iter(handle, &p, &size, &addr, insn)) {
            disas_print_bytes(f, insn_addr, p, size);
            break;
        }
        if (insn->op_str[0]) {
            fprintf(f, "0x%016" PRIx64 ":  %s  %s\n", insn->address, insn->mnemonic, insn->op_str);
        } else {
            fprintf(f, "0x%016" PRIx64 ":  %s\n", insn->address, insn->mnemonic);
        }
    }
    cs_free(insn, 1);
    cs_close(&handle);
}
