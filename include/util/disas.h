/* Disassembly for -d in_asm / out_asm, through capstone. */
#ifndef UTIL_DISAS_H
#define UTIL_DISAS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

typedef enum DisasMode { DISAS_X86_16, DISAS_X86_32, DISAS_X86_64 } DisasMode;

/* Print one line per instruction of code[0, size) taken to be at addr. */
void disas_x86(FILE *f, DisasMode mode, uint64_t addr, const void *code, size_t size);
#endif
