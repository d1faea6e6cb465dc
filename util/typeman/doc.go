// Package typeman maps symbolic names to numbers and back.
//
// It replaces CUP's cup.util.typeman (BaseMan and its subclasses TypeMan and
// FlagMan), which the asynchronous network messages use to name message
// types and flags. Unlike CUP, which silently overwrote earlier
// registrations, a Registry refuses a registration that would make a name or
// a number ambiguous, and lookups of unknown entries return errs.ErrNotFound
// instead of raising KeyError.
//
// CUP names replaced:
//
//	BaseMan, TypeMan, FlagMan -> Registry (TypeMan and FlagMan are aliases)
//	register_types            -> Registry.Register
//	getkey_bynumber           -> Registry.KeyByNumber
//	getnumber_bykey           -> Registry.NumberByKey
//	get_key_list              -> Registry.Keys
package typeman
