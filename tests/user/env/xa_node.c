// SPDX-License-Identifier: GPL-2.0
/*
 * What lib/xarray.c takes from lib/radix-tree.c: the cache its nodes come
 * from, and the function that frees a node after a grace period (at once
 * here: see include/linux/rcupdate.h).
 */
#include <linux/kernel.h>
#include <linux/list.h>
#include <linux/slab.h>
#include <linux/xarray.h>
#include <klib/radix-tree.h>	/* the kernel's lib/radix-tree.h */

struct kmem_cache *radix_tree_node_cachep;

/* Objects enter the cache in this state, and leave it the same way. */
static void xa_node_ctor(void *obj)
{
	struct xa_node *node = obj;

	memset(node, 0, sizeof(*node));
	INIT_LIST_HEAD(&node->private_list);
}

void radix_tree_node_rcu_free(struct rcu_head *head)
{
	struct xa_node *node = container_of(head, struct xa_node, rcu_head);

	kmem_cache_free(radix_tree_node_cachep, node);
}

__attribute__((constructor))
static void xa_node_cache_init(void)
{
	radix_tree_node_cachep = kmem_cache_create("radix_tree_node",
						   sizeof(struct xa_node), 0,
						   SLAB_PANIC |
						   SLAB_RECLAIM_ACCOUNT,
						   xa_node_ctor);
}
