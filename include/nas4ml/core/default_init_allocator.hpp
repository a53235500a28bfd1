#pragma once
/// \file An allocator whose value-initialization is default-initialization: a
/// `std::vector<int, DefaultInitAllocator<int>>` grows by resize() without zeroing the new
/// elements. For arrays whose every element is written right after it is made (the netlist's
/// ~60,000 per-bit entries, rewritten on every lowering: docs/netlist.md "Speed").
#include <memory>
#include <new>
#include <type_traits>
#include <utility>

namespace nas4ml {

template <class T, class Base = std::allocator<T>>
class DefaultInitAllocator : public Base {
  using traits = std::allocator_traits<Base>;

 public:
  template <class U>
  struct rebind {
    using other = DefaultInitAllocator<U, typename traits::template rebind_alloc<U>>;
  };
  using Base::Base;

  /// Default-initializes (no zeroing for trivial types) instead of value-initializing.
  template <class U>
  void construct(U* p) noexcept(std::is_nothrow_default_constructible_v<U>) {
    ::new (static_cast<void*>(p)) U;
  }
  template <class U, class... Args>
  void construct(U* p, Args&&... args) {
    traits::construct(static_cast<Base&>(*this), p, std::forward<Args>(args)...);
  }
};

}  // namespace nas4ml
