package clock

import (
	"hash/maphash"
	"math"
	"time"
)

// Queue holds one deadline per key, for many accounts or networks: a
// service schedules each key's NextDeadline, takes the keys that are due,
// and asks when to look again. Schedule, Remove and taking a due key cost
// O(log n); Next and When cost O(1). The zero Queue is empty and ready to
// use. A Queue is not safe for concurrent use; Runner wraps one that is.
//
// Deadlines are kept to the second, rounded up, in the years 1970 to 2106
// (earlier ones count as 1970, later ones as 2106): a key never comes due
// before its deadline, and at most a second after. This keeps an entry
// small: about 40 bytes with a string key, the key's own bytes aside.
// Keys due at the same second come in no particular order.
type Queue[K comparable] struct {
	heap []slot   // a 4-ary min-heap on at
	pos  []int32  // pos[id]: where id is in heap, while id is in use
	keys []K      // keys[id]
	ids  index    // key to id
	free []uint32 // ids to reuse
}

// index finds a key's id: an open-addressing hash table of ids, probed
// linearly, whose keys live in Queue.keys. A slot holds id+1, 0 when empty,
// or tomb where a key was erased; where[id] is the slot of id, so erasing
// costs no hashing. Used slots and tombs fill at most half the table.
type index struct {
	seed  maphash.Seed
	slots []uint32
	where []uint32
	n     int // keys
	tombs int
}

const tomb = math.MaxUint32

// lookup returns the slot of key and whether key is there; when it is not,
// the slot is where it would go: the first tomb or empty slot on its way.
func lookup[K comparable](q *Queue[K], key K) (int, bool) {
	x := &q.ids
	mask := len(x.slots) - 1
	i := int(maphash.Comparable(x.seed, key)) & mask
	free := -1
	for {
		switch v := x.slots[i]; {
		case v == 0:
			if free < 0 {
				free = i
			}
			return free, false
		case v == tomb:
			if free < 0 {
				free = i
			}
		case q.keys[v-1] == key:
			return i, true
		}
		i = (i + 1) & mask
	}
}

// find returns key's id.
func (q *Queue[K]) find(key K) (uint32, bool) {
	if q.ids.n == 0 {
		return 0, false
	}
	i, ok := lookup(q, key)
	return q.ids.slots[i] - 1, ok
}

// insert records key's id; key must not be there.
func (q *Queue[K]) insert(key K, id uint32) {
	x := &q.ids
	if (x.n+x.tombs+1)*2 > len(x.slots) {
		q.rehash(max(16, len(x.slots)), x.n+1)
	}
	i, _ := lookup(q, key)
	if x.slots[i] == tomb {
		x.tombs--
	}
	x.slots[i] = id + 1
	for int(id) >= len(x.where) {
		x.where = append(x.where, 0)
	}
	x.where[id] = uint32(i)
	x.n++
}

// rehash moves the index to a table of at least size slots, with room for
// n keys, and without tombs.
func (q *Queue[K]) rehash(size, n int) {
	for size < 2*n {
		size *= 2
	}
	x := &q.ids
	if x.slots == nil {
		x.seed = maphash.MakeSeed()
	}
	old := x.slots
	x.slots, x.tombs = make([]uint32, size), 0
	mask := size - 1
	for _, v := range old {
		if v == 0 || v == tomb {
			continue
		}
		i := int(maphash.Comparable(x.seed, q.keys[v-1])) & mask
		for x.slots[i] != 0 {
			i = (i + 1) & mask
		}
		x.slots[i] = v
		x.where[v-1] = uint32(i)
	}
}

// erase takes id out of the index.
func (q *Queue[K]) erase(id uint32) {
	x := &q.ids
	x.slots[x.where[id]] = tomb
	x.tombs++
	x.n--
}

// slot is a deadline in seconds since 1970 and the key's id.
type slot struct {
	at uint32
	id uint32
}

const arity = 4

// seconds rounds t up to the second, within the range a slot holds.
func seconds(t time.Time) uint32 {
	s := t.Unix()
	if t.Nanosecond() > 0 {
		s++
	}
	return uint32(min(max(s, 0), math.MaxUint32))
}

func instant(s uint32) time.Time { return time.Unix(int64(s), 0).UTC() }

// Grow makes room for n more keys, so that scheduling them allocates
// nothing and the queue holds no spare room from growing step by step.
func (q *Queue[K]) Grow(n int) {
	if n <= 0 {
		return
	}
	total := len(q.keys) + n
	if size := len(q.ids.slots); size < 2*(q.ids.n+n) {
		q.rehash(max(16, size), q.ids.n+n)
	}
	if cap(q.heap) < total {
		q.heap = append(make([]slot, 0, total), q.heap...)
	}
	if cap(q.pos) < total {
		q.pos = append(make([]int32, 0, total), q.pos...)
		q.keys = append(make([]K, 0, total), q.keys...)
		q.ids.where = append(make([]uint32, 0, total), q.ids.where...)
		q.free = append(make([]uint32, 0, total), q.free...)
	}
}

// Len returns the number of keys scheduled.
func (q *Queue[K]) Len() int { return len(q.heap) }

// Schedule sets key's deadline to at, adding the key or moving it.
func (q *Queue[K]) Schedule(key K, at time.Time) {
	s := seconds(at)
	if id, ok := q.find(key); ok {
		i := int(q.pos[id])
		old := q.heap[i].at
		q.heap[i].at = s
		if s < old {
			q.up(i)
		} else {
			q.down(i)
		}
		return
	}
	var id uint32
	if n := len(q.free); n > 0 {
		id, q.free = q.free[n-1], q.free[:n-1]
		q.keys[id] = key
	} else {
		id = uint32(len(q.keys))
		q.keys = append(q.keys, key)
		q.pos = append(q.pos, 0)
	}
	q.insert(key, id)
	q.heap = append(q.heap, slot{s, id})
	q.pos[id] = int32(len(q.heap) - 1)
	q.up(len(q.heap) - 1)
}

// Remove takes key out of the queue and reports whether it was there.
func (q *Queue[K]) Remove(key K) bool {
	id, ok := q.find(key)
	if !ok {
		return false
	}
	q.removeAt(int(q.pos[id]))
	return true
}

// When returns key's deadline, rounded up to the second.
func (q *Queue[K]) When(key K) (time.Time, bool) {
	id, ok := q.find(key)
	if !ok {
		return time.Time{}, false
	}
	return instant(q.heap[q.pos[id]].at), true
}

// Next returns the earliest deadline, rounded up to the second, if any key
// is scheduled.
func (q *Queue[K]) Next() (time.Time, bool) {
	if len(q.heap) == 0 {
		return time.Time{}, false
	}
	return instant(q.heap[0].at), true
}

// Due removes every key whose deadline is at or before now and appends it
// to dst, earliest first, so that a caller reusing dst allocates nothing.
// A key the caller wants to see again must be scheduled again, typically
// with the state's new NextDeadline after advancing it.
func (q *Queue[K]) Due(now time.Time, dst []K) []K {
	s := now.Unix()
	for len(q.heap) > 0 && int64(q.heap[0].at) <= s {
		dst = append(dst, q.keys[q.heap[0].id])
		q.removeAt(0)
	}
	return dst
}

// Sweep hands each key due at now to fn, earliest first, and keeps it at
// the deadline fn returns, or takes it out when fn returns false. It is
// Due followed by Schedule for every key, without their cost: the key
// stays where it is in the index and its entry moves down the heap from
// the top, once. fn must not call the queue's other methods.
//
// A key that fn keeps at a deadline at or before now is due again and is
// handed over again in the same call; Sweep hands over at most Len keys
// per call, so it returns even when fn keeps every key at now. It returns
// how many keys it handed over.
func (q *Queue[K]) Sweep(now time.Time, fn func(key K) (next time.Time, keep bool)) int {
	s := now.Unix()
	n, limit := 0, len(q.heap)
	for n < limit && len(q.heap) > 0 && int64(q.heap[0].at) <= s {
		n++
		next, keep := fn(q.keys[q.heap[0].id])
		if !keep {
			q.removeAt(0)
			continue
		}
		q.heap[0].at = seconds(next)
		q.down(0)
	}
	return n
}

// removeAt takes the entry at heap index i out and frees its id.
func (q *Queue[K]) removeAt(i int) {
	id := q.heap[i].id
	q.erase(id)
	var zero K
	q.keys[id] = zero
	q.free = append(q.free, id)
	last := len(q.heap) - 1
	if i != last {
		q.heap[i] = q.heap[last]
		q.pos[q.heap[i].id] = int32(i)
	}
	q.heap = q.heap[:last]
	if i != last {
		q.down(i)
		q.up(i)
	}
}

func (q *Queue[K]) up(i int) {
	h := q.heap
	s := h[i]
	for i > 0 {
		p := (i - 1) / arity
		if h[p].at <= s.at {
			break
		}
		h[i] = h[p]
		q.pos[h[i].id] = int32(i)
		i = p
	}
	h[i] = s
	q.pos[s.id] = int32(i)
}

func (q *Queue[K]) down(i int) {
	h := q.heap
	s := h[i]
	for {
		c := arity*i + 1
		if c >= len(h) {
			break
		}
		best := c
		for j := c + 1; j < c+arity && j < len(h); j++ {
			if h[j].at < h[best].at {
				best = j
			}
		}
		if s.at <= h[best].at {
			break
		}
		h[i] = h[best]
		q.pos[h[i].id] = int32(i)
		i = best
	}
	h[i] = s
	q.pos[s.id] = int32(i)
}
