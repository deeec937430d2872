/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * uevent.c - fuzz what coldplug reads from devices: a kernel uevent message
 * (im_uevent_parse, then the device's environment as coldplug records it)
 * and the same bytes as a sysfs uevent file's "KEY=VALUE" lines.
 */
#include "fuzz.h"
#include "../../loader/uevent.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct im_devices d = { 0 };
	struct im_uevent ev;
	char *msg;

	if (size > 8192)	/* coldplug's receive buffer */
		return 0;
	msg = malloc(size + 1);
	if (!msg)
		return 0;
	memcpy(msg, data, size);
	msg[size] = '\0';
	if (im_uevent_parse(msg, size, &ev) == 0)
		im_device_add_env(&d, ev.devpath, ev.subsystem, msg, size, '\0');
	memcpy(msg, data, size);	/* as a uevent file: lines */
	msg[size] = '\0';
	im_device_add_env(&d, "/devices/fuzz", "scsi", msg, size, '\n');
	im_device_add_env(&d, "/devices/fuzz", "tifm", msg, size, '\n');
	im_devices_free(&d);
	free(msg);
	return 0;
}
