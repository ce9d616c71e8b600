/* target.h: what a bare-metal test program needs from its board (targets/<board>/startup.c):
   text out and exit through semihosting, and two marker calls an instruction counter watches. */
#ifndef QNN_TARGET_H
#define QNN_TARGET_H

#include <stdint.h>

/* Writes a NUL-terminated string to the host's standard output. */
void qnn_target_write(const char *text);
/* Ends the program: status 0 is success (the emulator exits 0), anything else a failure. */
void qnn_target_exit(int status) __attribute__((noreturn));
/* Executed instructions are counted between these two calls (targets/count-instructions.sh). */
void qnn_mark_begin(void);
void qnn_mark_end(void);
/* Bytes of the stack that were ever written, measured against the pattern the startup painted. */
uint32_t qnn_stack_used(void);

/* Writes a signed decimal number. */
void qnn_target_int(int32_t value);

#endif
