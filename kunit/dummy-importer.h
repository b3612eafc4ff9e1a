/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Dummy importers for the dma-buf KUnit suites: a static one (plain
 * dma_buf_attach()), a dynamic one that counts move notifications, and a
 * dynamic one that also accepts peer-to-peer memory.
 */
#ifndef DMA_BUF_KUNIT_DUMMY_IMPORTER_H
#define DMA_BUF_KUNIT_DUMMY_IMPORTER_H

#include <linux/dma-buf.h>
#include <linux/list.h>

struct dmabuf_test;
struct kunit;

enum dummy_importer_kind {
	IMPORTER_STATIC,
	IMPORTER_DYNAMIC,
	IMPORTER_P2P,
};

struct dummy_importer {
	struct kunit *test;
	struct dmabuf_test *ctx;
	struct list_head node;
	enum dummy_importer_kind kind;
	struct device *dev;
	struct dma_buf *dmabuf;
	struct dma_buf_attachment *attach;

	unsigned int move_notify_calls;
	unsigned int move_notify_stamp;
	bool move_notify_resv_held;
};

extern const struct dma_buf_attach_ops dummy_importer_dynamic_ops;
extern const struct dma_buf_attach_ops dummy_importer_p2p_ops;

/* An importer using test device @dev_idx; not attached yet. */
struct dummy_importer *dummy_importer_new(struct kunit *test,
					  enum dummy_importer_kind kind,
					  unsigned int dev_idx);
/* Attach to @dmabuf; returns the attachment or an ERR_PTR. */
struct dma_buf_attachment *dummy_importer_attach(struct dummy_importer *imp,
						 struct dma_buf *dmabuf);
/* new + attach, failing the case if the attach fails. */
struct dummy_importer *dummy_import(struct kunit *test, struct dma_buf *dmabuf,
				    enum dummy_importer_kind kind,
				    unsigned int dev_idx);
void dummy_importer_detach(struct dummy_importer *imp);

/*
 * Detach every importer of the case (before a buffer is dropped at the end
 * of the case).  Each importer is also detached and freed by its own KUnit
 * resource.
 */
void dummy_importers_detach_all(struct kunit *test);

#endif /* DMA_BUF_KUNIT_DUMMY_IMPORTER_H */
