/* support.c: the few C library pieces a model and its test need, written here because the
   bare-metal programs link no C library (-nostdlib): memset, memcpy, decimal output, the markers
   and the stack measure. */
#include <stddef.h>
#include "target.h"

void *memset(void *target, int value, size_t count)
{
    unsigned char *p = target;
    while (count--)
        *p++ = (unsigned char)value;
    return target;
}

void *memcpy(void *target, const void *source, size_t count)
{
    unsigned char *p = target;
    const unsigned char *q = source;
    while (count--)
        *p++ = *q++;
    return target;
}

void qnn_target_int(int32_t value)
{
    char text[12];
    int at = 11;
    uint32_t magnitude = value < 0 ? 0u - (uint32_t)value : (uint32_t)value;
    text[at] = '\0';
    do {
        text[--at] = (char)('0' + magnitude % 10u);
        magnitude /= 10u;
    } while (magnitude != 0u);
    if (value < 0)
        text[--at] = '-';
    qnn_target_write(text + at);
}

/* Not inlined and with a side effect the compiler keeps, so their addresses are executed once
   per call: the instruction counter starts and stops at them. */
volatile uint32_t qnn_marks;
__attribute__((noinline)) void qnn_mark_begin(void) { qnn_marks++; }
__attribute__((noinline)) void qnn_mark_end(void) { qnn_marks++; }

/* The linker script's stack bounds; the startup fills the stack with this word before main. */
extern uint32_t __qnn_stack_bottom[], __qnn_stack_top[];
#define QNN_STACK_PAINT 0x5A5A5A5Au

void qnn_paint_stack(uint32_t *below)
{
    uint32_t *p;
    for (p = __qnn_stack_bottom; p < below; p++)
        *p = QNN_STACK_PAINT;
}

uint32_t qnn_stack_used(void)
{
    const uint32_t *p = __qnn_stack_bottom;
    while (p < __qnn_stack_top && *p == QNN_STACK_PAINT)
        p++;
    return (uint32_t)((const char *)__qnn_stack_top - (const char *)p);
}
