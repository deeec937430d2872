/* SPDX-License-Identifier: GPL-2.0 */
/* tm_rec.h - the recorder's interface for initmod's test modules. */
#ifndef TM_REC_H
#define TM_REC_H
int tm_rec_begin(const char *name);
void tm_rec_end(int slot, int result);
void tm_rec_note(const char *name, const char *key, long value);
#endif
