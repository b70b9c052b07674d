/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Empty: the userspace build has no CONFIG_KVM_EXTERNAL_WRITE_TRACKING, so
 * the KVM shim compiles without its write-tracking members.
 */
#ifndef _VMED_USER_ASM_KVM_PAGE_TRACK_H
#define _VMED_USER_ASM_KVM_PAGE_TRACK_H
#endif /* _VMED_USER_ASM_KVM_PAGE_TRACK_H */
