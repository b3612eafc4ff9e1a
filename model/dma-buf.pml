/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * Promela model of the lifetime of one DMA-BUF: its file, its dentry, the
 * buffer memory and its sysfs directory, and every path that touches them
 * while references come and go (dma-buf.c, dma-resv-glue.c,
 * dma-buf-sysfs-stats.c).  model/README.md maps it to the C code and says
 * how to run it.
 *
 * One model step is one atomic action.  A spinlock section, or any other
 * section that cannot block and whose intermediate states nobody can see,
 * is one step (d_step/atomic); a mutex held across other work (the list
 * mutex in bufinfo, the reservation lock in poll(), ep->mtx in epoll_wait())
 * is a variable, so the model can block and deadlock on it.
 *
 * Compile-time switches (spin -DNAME ...):
 *   PROP=n   which assertions are on: 0 all (default), 1 use after free,
 *            2 exporter release, 3 free once, 4 no WARN at release,
 *            5 one armed callback per event, 9 none (the deadlock run).
 *   LTL      add the liveness claim "freed" (run pan with -a).
 *   BUG_*    a deliberately broken variant (model/README.md); each one
 *            must make a property fail.
 */

#ifndef PROP
#define PROP 0
#endif
#define CHECKS(p) (PROP == 0 || PROP == (p))

/* 1: nothing touches the buffer or the file once freed, and no file
 * reference is taken or dropped once the count has reached zero. */
#if CHECKS(1)
#define UAF_OK(e)	assert(e)
#else
#define UAF_OK(e)	skip
#endif
/* 2: the exporter's release runs at most once, and never for a failed
 * export (that it does run is the LTL claim). */
#if CHECKS(2)
#define RELEASE_OK(e)	assert(e)
#else
#define RELEASE_OK(e)	skip
#endif
/* 3: the buffer memory is freed at most once. */
#if CHECKS(3)
#define FREE_OK(e)	assert(e)
#else
#define FREE_OK(e)	skip
#endif
/* 4: the release never finds a kernel mapping or an armed poll callback:
 * the WARN_ON() in dmabuf_dentry_release() never fires. */
#if CHECKS(4)
#define NOWARN_OK(e)	assert(e)
#else
#define NOWARN_OK(e)	skip
#endif
/* 5: a poll callback is never added to a fence it is already on. */
#if CHECKS(5)
#define ONECB_OK(e)	assert(e)
#else
#define ONECB_OK(e)	skip
#endif

#define BUF_ALIVE	UAF_OK(!buf_freed)
#define FILE_ALIVE	UAF_OK(!file_freed)

/* ---- struct file ---- */
byte f_count;		/* file->f_count */
bit f_private;		/* file->private_data == buf */
bit file_freed;		/* file_free() has run */
byte fput_pending;	/* __fput() calls queued by a last fput() */
byte a_fds;		/* holder A's descriptors (/proc looks them up) */
bit epi;		/* the poller's epoll set holds an epitem for it */

/* ---- struct dentry ---- */
byte d_count;		/* dentry->d_lockref.count */
bit d_fsdata;		/* dentry->d_fsdata == buf */

/* ---- struct dma_buf ---- */
bit exported;		/* dma_buf_export() returned the buffer */
bit listed;		/* on dmabuf_list */
bit buf_file;		/* buf->file != NULL */
byte vmapping_counter;	/* buf->vmapping_counter */
bit cb_in_active;	/* buf->cb_in.active */
bit cb_out_active;	/* buf->cb_out.active */
bit kept;		/* the release kept it (WARN path) */
bit buf_freed;		/* kfree(to_box(buf)) has run */
byte free_count;	/* ... how many times */
byte exp_released;	/* buf->ops->release() calls */

/* ---- sysfs: the kernfs directory buffers/<ino>/ and its files ---- */
byte kn_state;		/* 0 none, 1 active, 2 deactivated, 3 removed */
byte kn_active;		/* active references: readers inside a show */

/* ---- the (one) fence in buf->resv ---- */
bit fence_signalled;
bit cb_in_added;	/* buf->cb_in.cb is on the fence's callback list */
bit cb_out_added;

/* ---- mutexes held across other work ---- */
bit list_lock;		/* dmabuf_list_lock */
bit resv_lock;		/* buf->resv */
bit ep_mtx;		/* the epoll instance's ep->mtx */
bit poll_lock;		/* buf->poll.lock: only BUG_SYNC_FPUT_IN_CB holds
			 * it across other steps; elsewhere its sections
			 * are single steps */


/* get_file(): atomic_long_inc(&file->f_count) */
inline get_file_body()
{
	FILE_ALIVE; UAF_OK(f_count > 0); f_count++
}

/*
 * fput(): the last reference queues __fput(): task_work for a task,
 * delayed_fput for an interrupt or a kernel thread.  release_worker runs
 * it, holding no lock.
 */
inline fput_body()
{
	FILE_ALIVE; UAF_OK(f_count > 0);
	f_count--;
	if
	:: f_count == 0 -> fput_pending++
	:: else -> skip
	fi
}

inline get_file()
{
	d_step { get_file_body() }
}

inline fput()
{
	d_step { fput_body() }
}

/* dma_buf_stats_remove() -> kernfs_remove() */
inline stats_remove()
{
	if
	:: d_step { kn_state == 1 -> kn_state = 2 }	/* kernfs_remove(): deactivate */
#ifndef BUG_SYSFS_NO_DRAIN
		/* kernfs_drain(): wait until no reader is inside a show */
		d_step { kn_active == 0 -> kn_state = 3 }
#else
		kn_state = 3
#endif
	:: else -> skip		/* dmabuf->sysfs_entry == NULL */
	fi
}

/* The buffer half of dmabuf_dentry_release() (d_fsdata != NULL). */
inline buf_teardown()
{
	/* dma_buf_still_used(): under buf->poll.lock: cb_in/cb_out.active;
	 * if armed, buf->file = NULL */
	d_step {
		poll_lock == 0 -> BUF_ALIVE;
		armed = cb_in_active || cb_out_active;
		if
		:: armed -> buf_file = 0
		:: else -> skip
		fi;
		/* dmabuf_dentry_release(): WARN_ON(dma_buf_still_used(buf)) */
		NOWARN_OK(!(armed || vmapping_counter > 0));
		armed = armed || vmapping_counter > 0
	};
	/* dmabuf_dentry_release(): dma_buf_stats_remove(buf) */
	stats_remove();
	if
	:: armed ->
		/* dmabuf_dentry_release(): list_add(&buf->list_node, &dmabuf_kept_list) */
		kept = 1
	:: else ->
		/* dmabuf_dentry_release(): buf->ops->release(buf), then kfree(to_box(buf)) */
		d_step {
			BUF_ALIVE;
			RELEASE_OK(exp_released == 0 && exported);
			exp_released++;
			FREE_OK(free_count == 0);
			free_count++;
			buf_freed = 1
		}
	fi
}

/* dmabuf_dentry_release() */
inline dentry_release()
{
	if
	:: d_fsdata ->
#ifndef BUG_RELEASE_IN_FOPS
		buf_teardown()
#else
		skip	/* (no d_release: the file's release freed the buffer) */
#endif
	:: else -> skip	/* an export that failed after making the file */
	fi
}

/* dput(): the last reference releases the dentry, in the caller */
inline dput_tail()
{
	if
	:: d_last -> dentry_release()
	:: else -> skip
	fi
}

/* __fput() */
inline do_fput()
{
	/* __fput(): eventpoll_release(): ep->mtx, __ep_remove() */
	d_step { (ep_mtx == 0 || !epi) -> FILE_ALIVE; epi = 0 };
	/* __fput(): file->f_op->release = dma_buf_file_release() */
	if
	:: f_private ->
#ifndef BUG_LIST_UNLOCKED
		/* dma_buf_file_release(): under dmabuf_list_lock: list_del() */
		d_step { list_lock == 0 -> BUF_ALIVE; listed = 0 }
#else
		/* (list_del() without dmabuf_list_lock) */
		d_step { BUF_ALIVE; listed = 0 }
#endif
#ifdef BUG_RELEASE_IN_FOPS
		/* (the buffer released with the file, before the dentry goes) */
		; buf_teardown()
#endif
	:: else -> skip	/* failed export: no buffer behind the file */
	fi;
	/* __fput(): dput(dentry) */
	d_step { UAF_OK(d_count > 0); d_count--; d_last = (d_count == 0) };
	dput_tail();
	/* __fput(): file_free(file) */
	d_step { FILE_ALIVE; file_freed = 1 }
}

/* dma_buf_poll_fence_done(), as the fence callback or called directly */
inline fence_done(act)
{
#ifndef BUG_SYNC_FPUT_IN_CB
	/* dma_buf_poll_fence_done(): under buf->poll.lock: dcb->active = 0,
	 * file = buf->file, wake_up_locked_poll(); then fput(file) */
	d_step {
		poll_lock == 0 -> BUF_ALIVE;
		act = 0;
#ifndef BUG_POLL_NO_FILE_REF
		if
		:: buf_file -> fput_body()
		:: else -> skip	/* a release found it armed: no file */
		fi
#endif
	}
#else
	/* (the fput() done synchronously, before spin_unlock(&buf->poll.lock)) */
	d_step { poll_lock == 0 -> BUF_ALIVE; poll_lock = 1; act = 0; have_file = buf_file };
	if
	:: have_file ->
		d_step { FILE_ALIVE; f_count--; d_last = (f_count == 0) };
		if
		:: d_last -> do_fput()
		:: else -> skip
		fi
	:: else -> skip
	fi;
	poll_lock = 0
#endif
}

/* dma_buf_poll_event() */
inline poll_event(act, added)
{
	/* dma_buf_poll_event(): under buf->poll.lock: if (dcb->active)
	 * return 0; dcb->active = event; then get_file(buf->file) */
	d_step {
		poll_lock == 0 -> BUF_ALIVE;
		if
#ifndef BUG_POLL_REARM
		:: act -> reg = 2	/* still armed: no second callback */
#endif
		:: else ->
			act = 1;
#ifndef BUG_POLL_NO_FILE_REF
			get_file_body();
#endif
			reg = 0
		fi
	};
	if
	:: reg == 0 ->
		/* dma_buf_poll_event(): dma_fence_add_callback(), under fence->lock */
		d_step {
			if
			:: !fence_signalled -> ONECB_OK(!added); added = 1; reg = 1
			:: else -> skip	/* -ENOENT: signalled already */
			fi
		};
		if
		:: reg == 0 ->
			/* dma_buf_poll_event(): dma_buf_poll_fence_done(NULL, &dcb->cb) */
			fence_done(act)
		:: else -> skip	/* armed: the callback will run */
		fi
	:: else -> skip
	fi
}

/* dma_buf_poll() with EPOLLIN | EPOLLOUT requested */
inline dma_buf_poll()
{
	/* dma_buf_poll(): buf = file->private_data; dma_resv_lock(buf->resv) */
	d_step { resv_lock == 0 -> BUF_ALIVE; resv_lock = 1 };
	/* dma_buf_poll(): dma_buf_poll_event(buf, &buf->cb_out, EPOLLOUT, ...) */
	poll_event(cb_out_active, cb_out_added);
	/* dma_buf_poll(): dma_buf_poll_event(buf, &buf->cb_in, EPOLLIN, ...) */
	poll_event(cb_in_active, cb_in_added);
	/* dma_buf_poll(): dma_resv_unlock(buf->resv) */
	resv_lock = 0
}

/* The task_work / delayed_fput worker: runs every queued __fput(). */
proctype release_worker()
{
	bit d_last, armed;
end:
	do
	:: d_step { fput_pending > 0 -> fput_pending-- };
		do_fput()
	od
}

/* Process A: got the fd from dma_buf_fd(); dup()s, mmap()s, closes. */
proctype holder_a()
{
	bit mapped;

	if
	:: /* dup(): get_file() under files->file_lock */
		d_step { get_file_body(); a_fds++ }
	:: skip
	fi;
	if
	:: /* mmap(): dma_buf_file_mmap() -> exporter's mmap;
	    * mmap_region(): vma->vm_file = get_file(file) */
		d_step { BUF_ALIVE; get_file_body() };
		mapped = 1
	:: skip
	fi;
	do
	:: /* close(): pick_file() under files->file_lock, filp_close() -> fput() */
		d_step { a_fds > 0 -> a_fds--; fput_body() }
	:: else -> break
	od;
	if
	:: mapped ->
		/* a page fault after close() (exporter's vm_ops), then
		 * munmap(): remove_vma() -> fput(vma->vm_file) */
		d_step { BUF_ALIVE; fput_body() }
	:: else -> skip
	fi
}

/* Process B: an importer given the fd (SCM_RIGHTS). */
proctype importer()
{
	/* dma_buf_get(fd): fget() */
	get_file();
#ifdef BUG_EXTRA_PUT
	/* (an error path that drops the reference it just got) */
	fput();
#endif
	/* dma_buf_vmap(): under buf->lock: vmapping_counter++ */
	d_step { BUF_ALIVE; vmapping_counter++ };
	/* close(fd): filp_close() -> fput() */
	fput();
	/* use of the kernel mapping, then dma_buf_vunmap(): vmapping_counter-- */
	d_step { BUF_ALIVE; vmapping_counter-- };
	/* dma_buf_put(): fput(buf->file) */
	fput()
}

/* Process C: poll()s its fd, closes it; then an epoll_wait() may still
 * find the file in its epoll set. */
proctype poller()
{
	byte reg;
	bit got;
#ifdef BUG_SYNC_FPUT_IN_CB
	bit have_file, d_last, armed;
#endif

	/* poll(): do_pollfd() -> vfs_poll() -> dma_buf_poll() */
	dma_buf_poll();
	if
	:: /* poll() again (woken up, or a new call): no re-arm while armed */
		dma_buf_poll()
	:: skip
	fi;
	/* close(): filp_close() -> fput() */
	fput();
	if
	:: /* epoll_wait(): ep_send_events(): mutex_lock(&ep->mtx) */
#ifndef BUG_EPOLL_NO_FGET
		/* ep_item_poll(): epi_fget(): atomic_long_inc_not_zero() */
		d_step {
			ep_mtx == 0 -> ep_mtx = 1;
			if
			:: epi && f_count > 0 -> FILE_ALIVE; f_count++; got = 1
			:: else -> got = 0	/* gone, or going */
			fi
		};
#else
		/* (6.1 before epi_fget(): polls the file without a reference) */
		d_step { ep_mtx == 0 -> ep_mtx = 1; got = epi };
#endif
		if
		:: got ->
			/* ep_item_poll(): vfs_poll() -> dma_buf_poll() */
			dma_buf_poll();
#ifndef BUG_EPOLL_NO_FGET
			/* ep_item_poll(): fput(file); ep_send_events(): mutex_unlock(&ep->mtx) */
			d_step { fput_body(); ep_mtx = 0 }
#else
			ep_mtx = 0
#endif
		:: else ->
			/* ep_send_events(): mutex_unlock(&ep->mtx) */
			ep_mtx = 0
		fi
	:: skip
	fi
}

/* The fence in buf->resv signals, in another context (an interrupt). */
proctype fence_signaller()
{
	bit run_in, run_out;
#ifdef BUG_SYNC_FPUT_IN_CB
	bit have_file, d_last, armed;
#endif

	/* dma_fence_signal(): under fence->lock: set SIGNALED, take cb_list */
	d_step {
		fence_signalled = 1;
		run_out = cb_out_added; cb_out_added = 0;
		run_in = cb_in_added; cb_in_added = 0
	};
	/* dma_fence_signal_timestamp_locked(): cur->func() for each callback */
	if
	:: run_out -> fence_done(cb_out_active)
	:: else -> skip
	fi;
	if
	:: run_in -> fence_done(cb_in_active)
	:: else -> skip
	fi
}

/* cat /sys/kernel/dmabuf/buffers/<ino>/size */
proctype sysfs_reader()
{
	bit ok;

	/* kernfs_fop_read_iter(): kernfs_get_active(of->kn) */
	d_step {
		if
		:: kn_state == 1 -> kn_active++; ok = 1
		:: else -> ok = 0	/* -ENOENT / -ENODEV */
		fi
	};
	if
	:: ok ->
		/* size_show(): buf->size; kernfs_put_active() */
		d_step { BUF_ALIVE; kn_active-- }
	:: else -> skip
	fi
}

/* cat /sys/kernel/debug/dma_buf/bufinfo */
proctype bufinfo_reader()
{
	bit got;

	/* bufinfo_show(): mutex_lock_interruptible(&dmabuf_list_lock);
	 * list_for_each_entry(buf, &dmabuf_list, list_node) */
	d_step { list_lock == 0 -> list_lock = 1; got = listed };
	if
	:: got ->
		/* bufinfo_show(): dma_resv_lock_interruptible(buf->resv);
		 * dma_buf_describe(): file_count(buf->file), buf->name;
		 * dma_resv_unlock(); mutex_unlock(&dmabuf_list_lock) */
		d_step { resv_lock == 0 -> BUF_ALIVE; FILE_ALIVE; list_lock = 0 }
	:: else ->
		/* bufinfo_show(): mutex_unlock(&dmabuf_list_lock) */
		list_lock = 0
	fi
}

/* Another process reads /proc/<A>/fdinfo/<fd> or readlink()s
 * /proc/<A>/fd/<fd>. */
proctype proc_reader()
{
	bit got, d_last, armed;

	if
	:: true ->
		/* seq_show(): get_file() under files->file_lock */
		d_step {
			if
			:: a_fds > 0 -> get_file_body(); got = 1
			:: else -> got = 0
			fi
		};
		if
		:: got ->
			/* dma_buf_show_fdinfo(): buf->size, file_count(file); seq_show(): fput() */
			d_step { BUF_ALIVE; fput_body() }
		:: else -> skip
		fi
	:: true ->
		/* proc_fd_link(): fget_task(), path_get(&file->f_path), fput() */
		d_step {
			if
			:: a_fds > 0 -> FILE_ALIVE; UAF_OK(d_count > 0); d_count++; got = 1
			:: else -> got = 0
			fi
		};
		if
		:: got ->
			/* d_path() -> dmabuf_dname(): buf->name under name_lock;
			 * do_proc_readlink(): path_put() -> dput() */
			d_step { BUF_ALIVE; d_count--; d_last = (d_count == 0) };
			dput_tail()
		:: else -> skip
		fi
	fi
}

#ifdef BUG_SYSFS_ASYNC
/* (the sysfs directory made by a work item after dma_buf_export()) */
proctype sysfs_setup()
{
	/* (work item): dma_buf_stats_add(buf) */
	d_step { BUF_ALIVE; kn_state = 1 }
}
#endif

/* dma_buf_export(), then dma_buf_fd() and handing the fd around. */
proctype exporter()
{
	/* dma_buf_export(): kzalloc(box), dma_resv_init();
	 * dma_buf_new_file(): alloc_file_pseudo(); buf->file = file;
	 * dma_buf_stats_add(): the directory and its files */
	d_step {
		f_count = 1; d_count = 1; buf_file = 1;
#ifdef BUG_EXPORT_EARLY_FSDATA
		/* (private_data and d_fsdata set before the last failure point) */
		f_private = 1; d_fsdata = 1;
#endif
#ifndef BUG_SYSFS_ASYNC
		kn_state = 1
#else
		skip
#endif
	};
	if
	:: /* dma_buf_stats_add() fails after the directory: kernfs_remove() */
		stats_remove();
		/* dma_buf_export(): err_put_file: fput(file) */
		fput();
		/* dma_buf_export(): err_free_dmabuf: kfree(box) */
		d_step {
			FREE_OK(free_count == 0); free_count++; buf_freed = 1
		}
	:: /* dma_buf_export(): file->private_data = d_fsdata = buf;
	    * under dmabuf_list_lock: list_add(&buf->list_node, &dmabuf_list) */
		d_step { list_lock == 0 -> f_private = 1; d_fsdata = 1; listed = 1; exported = 1 };
#ifdef BUG_SYSFS_ASYNC
		run sysfs_setup();
#endif
		/* dma_buf_fd() in A; A sends it to B and C (a get_file() each);
		 * C adds it to an epoll set */
		atomic {
			a_fds = 1; f_count = f_count + 2; epi = 1;
			run holder_a(); run importer(); run poller()
		}
	fi
}

init {
	atomic {
		run release_worker();
		run exporter();
		run fence_signaller();
		run sysfs_reader();
		run bufinfo_reader();
		run proc_reader()
	}
}

#ifdef LTL
#define all_gone	(buf_freed && exp_released == exported)
/*
 * Every run ends with the buffer freed and the exporter's release run
 * exactly once (never for a failed export).  Every process terminates
 * (the non-progress run checks that there is no cycle), so this is "once
 * every holder and reader is done, the buffer is gone", and a run that
 * stops short (a deadlock) violates it too.
 */
ltl freed { <> all_gone }
#endif
