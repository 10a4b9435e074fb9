/*
 * An AML (ACPI Machine Language) byte-code builder: the DSDT and SSDTs
 * Tern generates are written as C calls that mirror ASL, e.g.
 *
 *     Aml *dev = aml_device("LNKA");
 *     aml_append(dev, aml_name_decl("_HID", aml_eisaid("PNP0C0F")));
 *     aml_append(scope, dev);
 *
 * Encoding follows the ACPI 6.x specification, chapter 20 ("ACPI Machine
 * Language Specification") and section 6.4 (resource descriptors).
 *
 * Ownership: every function that takes Aml * arguments consumes them
 * (frees them once their bytes are copied), so a term is used exactly once
 * and nothing leaks. aml_append(parent, child) consumes child. The top
 * object (from aml_new_block or a table's scope) is freed by aml_free after
 * its bytes are taken with aml_data/aml_len.
 *
 * Name strings are ASL paths: "\\_SB.PCI0.LNKA", "^PRQA", "LNKA"; each
 * segment of 1-4 characters is padded with '_' as ASL does.
 */
#ifndef HW_ACPI_AML_BUILD_H
#define HW_ACPI_AML_BUILD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct Aml Aml;

/* A container of terms with no opcode (a table body, a term list). */
Aml *aml_new_block(void);
void aml_append(Aml *parent, Aml *child);
/* The encoded bytes of a term (for a block without opcode: its contents). */
const uint8_t *aml_data(const Aml *a);
size_t aml_len(const Aml *a);
void aml_free(Aml *a);

/* ---- data ---- */
Aml *aml_int(uint64_t v); /* shortest encoding: Zero/One/Byte/Word/DWord/QWord */
Aml *aml_string(const char *s);
Aml *aml_name(const char *path); /* a reference to a named object */
Aml *aml_eisaid(const char *id); /* "PNP0A03" as the compressed EISA id */
Aml *aml_local(int n);           /* Local0-7 */
Aml *aml_arg(int n);             /* Arg0-6 */
Aml *aml_package(void);          /* elements added with aml_append */
Aml *aml_buffer(const uint8_t *data, size_t len);

/* ---- named objects and scopes ---- */
Aml *aml_name_decl(const char *name, Aml *value);
Aml *aml_scope(const char *path);
Aml *aml_device(const char *path);
Aml *aml_method(const char *name, int nargs, bool serialized);

/* OperationRegion(name, space, offset, len) */
typedef enum AmlRegionSpace {
    AML_SYSTEM_MEMORY = 0,
    AML_SYSTEM_IO = 1,
    AML_PCI_CONFIG = 2,
} AmlRegionSpace;
Aml *aml_operation_region(const char *name, AmlRegionSpace space, Aml *offset, Aml *len);

/* Field(region, access, NoLock, update) { aml_named_field(...), ... } */
typedef enum AmlAccessType {
    AML_ANY_ACC = 0,
    AML_BYTE_ACC = 1,
    AML_WORD_ACC = 2,
    AML_DWORD_ACC = 3,
} AmlAccessType;
typedef enum AmlUpdateRule {
    AML_PRESERVE = 0,
    AML_WRITE_AS_ONES = 1,
    AML_WRITE_AS_ZEROS = 2,
} AmlUpdateRule;
Aml *aml_field(const char *region, AmlAccessType access, AmlUpdateRule rule);
Aml *aml_named_field(const char *name, unsigned bits);
Aml *aml_reserved_field(unsigned bits);

/* ---- statements and expressions ---- */
Aml *aml_return(Aml *v);
Aml *aml_store(Aml *src, Aml *dst);
Aml *aml_if(Aml *predicate);               /* body with aml_append */
Aml *aml_else(void);                       /* append right after its aml_if */
Aml *aml_and(Aml *a, Aml *b, Aml *target); /* target may be NULL */
Aml *aml_or(Aml *a, Aml *b, Aml *target);
Aml *aml_shiftleft(Aml *a, Aml *count, Aml *target);
Aml *aml_lequal(Aml *a, Aml *b);
Aml *aml_lless(Aml *a, Aml *b);
Aml *aml_lnot(Aml *a);
Aml *aml_create_dword_field(Aml *buf, Aml *index, const char *name);
Aml *aml_find_set_right_bit(Aml *a, Aml *target);
Aml *aml_decrement(Aml *target);

/* ---- resource templates (section 6.4) ---- */
Aml *aml_resource_template(void); /* descriptors with aml_append; End tag added */
Aml *aml_io(uint16_t min, uint16_t max, uint8_t align, uint8_t len); /* Decode16 */
Aml *aml_irq_no_flags(uint8_t irq);
/* Extended Interrupt(ResourceConsumer, level/edge, high/low, shared, {irqs}) */
Aml *aml_interrupt(bool level, bool active_low, bool shared, const uint32_t *irqs, int n);
Aml *aml_memory32_fixed(uint32_t base, uint32_t len, bool read_write);
/* Producer, PosDecode, MinFixed, MaxFixed, no translation, granularity 0. */
Aml *aml_word_bus_number(uint16_t min, uint16_t max);
Aml *aml_word_io(uint16_t min, uint16_t max); /* EntireRange */
Aml *aml_dword_memory(uint32_t min, uint32_t max, bool cacheable);
Aml *aml_qword_memory(uint64_t min, uint64_t max, bool cacheable);

/* ---- tables ---- */
/* A complete table: ACPI header (checksum set) + body. OEM fields are
 * Tern's. Returns a malloc'd buffer of *len bytes. */
uint8_t *aml_build_table(const char sig[4], uint8_t rev, const uint8_t *body, size_t body_len,
                         size_t *len);
/* The 8-bit sum of len bytes (0 for a valid ACPI table). */
uint8_t acpi_checksum(const uint8_t *p, size_t len);

#endif
