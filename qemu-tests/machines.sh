# SPDX-License-Identifier: LGPL-2.1-or-later
# machines.sh - the QEMU machines of the coldplug tests and benchmark
# (sourced): `machine NAME` sets M (QEMU_MACHINE), D (QEMU_DEVICES; disks
# are files in $work) and W (the modules their devices must bring in,
# hotplug chains included). Names: virtio, mixed, legacy. Also the image
# both boot: coldplug_image. Needs $cache, $work, $top set by the caller.
disk() { [ -f "$work/$1.img" ] || truncate -s 8M "$work/$1.img"; echo "$work/$1.img"; }
net() { echo "-netdev user,id=$1,restrict=on"; }	# no traffic leaves the guest
machine() {
	case $1 in
	virtio) M=q35
		D="-drive if=none,id=vd0,file=$(disk vd),format=raw -device virtio-blk-pci,drive=vd0
		   $(net n0) -device virtio-net-pci,netdev=n0
		   -device virtio-scsi-pci,id=vs -drive if=none,id=vs0,file=$(disk vs),format=raw
		   -device scsi-hd,drive=vs0,bus=vs.0 -device virtio-rng-pci -device virtio-balloon-pci"
		W="virtio_blk virtio_net virtio_scsi sd_mod sg virtio_rng virtio_balloon ahci" ;;
	mixed) M=q35
		D="-drive if=none,id=sa0,file=$(disk sa),format=raw -device ide-hd,drive=sa0,bus=ide.0
		   -drive if=none,id=cd0,media=cdrom -device ide-cd,drive=cd0,bus=ide.1
		   -drive if=none,id=nv0,file=$(disk nv),format=raw -device nvme,serial=initmod0,drive=nv0
		   $(net n0) -device e1000e,netdev=n0
		   -device qemu-xhci,id=xhci -drive if=none,id=us0,file=$(disk us),format=raw
		   -device usb-storage,bus=xhci.0,drive=us0 -device usb-kbd,bus=xhci.0 -device usb-tablet,bus=xhci.0
		   -device sdhci-pci -drive if=none,id=mmc0,file=$(disk sd),format=raw -device sd-card,drive=mmc0
		   -audiodev none,id=a0 -device ich9-intel-hda -device hda-duplex,audiodev=a0 -device i6300esb"
		W="ahci sd_mod sr_mod nvme e1000e xhci_pci usb_storage usbhid hid_generic sdhci_pci mmc_block snd_hda_intel snd_hda_codec_generic i6300esb" ;;
	legacy) M=pc
		D="-drive if=none,id=ide0,file=$(disk ide),format=raw -device ide-hd,drive=ide0,bus=ide.0
		   $(net n0) -device e1000,netdev=n0 $(net n1) -device rtl8139,netdev=n1
		   -device usb-ehci,id=ehci -drive if=none,id=ue0,file=$(disk ue),format=raw
		   -device usb-storage,bus=ehci.0,drive=ue0
		   -device lsi53c895a,id=lsi -drive if=none,id=ls0,file=$(disk ls),format=raw
		   -device scsi-hd,drive=ls0,bus=lsi.0"
		W="ata_piix sd_mod e1000 8139cp ehci_pci usb_storage sym53c8xx" ;;
	esac
}


# coldplug_image KROOT KVER INITMOD OUT [MKINITRAMFS-OPTION...]: a --generic
# image with pcspkr blacklisted (its alias: platform:pcspkr), the udev peer
# appended (qemu-tests/udev-overlay.sh); mkinitramfs says why in OUT.log
coldplug_image() {
	ci_kr=$1 ci_kv=$2 ci_bin=$3 ci_out=$4
	shift 4
	"$top/qemu-tests/udev-overlay.sh" "$cache" "$work/udev.cpio" || return 1
	mkdir -p "$work/modprobe.d"
	echo "blacklist pcspkr" > "$work/modprobe.d/initramfs.conf"
	"$top/initramfs/mkinitramfs" -o "$ci_out.initmod" -d "$ci_kr" -k "$ci_kv" --initmod "$ci_bin" \
		--generic -C "$work/modprobe.d" --busybox \
		--extra "$top/qemu-tests/guest/report:/bin/report" \
		--extra "$top/qemu-tests/guest/hotadd:/bin/hotadd" "$@" 2> "$ci_out.log" || return 1
	cat "$ci_out.initmod" "$work/udev.cpio" > "$ci_out"
	rm -f "$ci_out.initmod"
}
