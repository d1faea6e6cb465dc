// Package msgbroker carries error and warning messages between the parts
// of one program: a [Center] of typed FIFO queues that producers post to
// and consumers drain (CUP BrokerCenter.produce_msg/comsume_msg), and a
// [System] broker that records fatal and warning alerts per path (a
// disk, a directory, a subsystem), says whether a path needs to stop, and
// calls registered callbacks (CUP SystemErrmsgBroker).
//
// CUP's cup.services.msgbroker is marked experimental and every method
// is an empty stub returning None, so there is no behaviour to be
// compatible with; this package implements what the stubs' names and
// docstrings describe:
//
//	CUP                                         Go
//	MSG_TYPE_FATAL, MSG_TYPE_WARN               TypeFatal, TypeWarn
//	MSG_ERROR_DISK_ERROR                        ErrorDiskError
//	BaseBroker(name)                            Center.Name, System.Name
//	BrokerCenter(name)                          NewCenter(name, opts)
//	  produce_msg(msg_type, extra_info, error)  Center.Produce(t, extra, err)
//	  comsume_msg(msg_type)                     Center.Consume(t), Center.Wait(ctx, t)
//	SystemErrmsgBroker(name)                    NewSystem(name, opts)
//	  need_stop(path)                           System.NeedStop(path)
//	  fatal_alert(path, msg, need_stop=True)    System.Fatal(path, msg, stop)
//	  warnning_alert(path, msg)                 System.Warn(path, msg)
//	  register_msg(path, msgtype, msg)          System.Register(path, t, msg)
//	  get_fatal_alerts(path)                    System.FatalAlerts(path)
//	  clean_data(path, exclude_msgtypes=None)   System.Clean(path, exclude...)
//	  register_wakeup(path, msgtype, n, func)   System.OnCount(path, t, n, fn)
//	  register_msgtype_callback(path, t, func)  System.OnMessage(path, t, fn)
//
// Nothing is dropped silently: a full queue refuses the message with an
// error matching errs.ErrFull, and a path's history, which is bounded,
// counts what it evicted ([System.Evicted]). Neither type starts
// goroutines; callbacks run on the goroutine that posted the message,
// after the broker's lock is released, so they may call the broker.
package msgbroker
