/*
 * TCI, the IR interpreter backend (tcg_backend_tci in tcg.h): extras
 * beyond the TCGBackend interface.
 */
#ifndef TCG_TCI_H
#define TCG_TCI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/*
 * Print the bytecode of one block, code[0, size) as produced by
 * tcg_backend_tci.gen_code, one instruction per line with its offset
 * (the -d out_asm view when running with TCI). Returns false if the
 * stream does not decode cleanly up to size.
 */
bool tci_disas(FILE *f, const void *code, size_t size);

#endif
