# Writes the pickle fixtures of package heartbeat's tests: LinuxHost-shaped
# dicts as CUP 3.2.7 agents serialise them (pickle.dumps; protocol 0 is
# Python 2's default), in protocols 0, 1 and 2, each beside the JSON of
# the dict. Run it with Python 2.7 in this directory: python2.7 gen.py
import json
import pickle

host = {
    'iface': 'eth0', 'ipaddr': '10.0.0.7', 'port': 8089, 'hostname': 'worker-07.example.com',
    'cpu_idle': 87.5, 'mem_inuse': 25276063744 - 23951880192, 'mem_total': 25276063744,
    'net_in': 1234.5, 'net_out': 0.0,
}
initial = {
    'iface': 'eth0', 'ipaddr': '0.0.0.0', 'port': 0, 'hostname': 'h',
    'cpu_idle': -1, 'mem_inuse': -1, 'mem_total': -1, 'net_in': -1, 'net_out': -1,
}
odd = {
    'iface': u'\u7f51\u53e3', 'ipaddr': "it's \"quoted\"\\ \t\x01", 'port': 2**40,
    'hostname': u'caf\xe9', 'cpu_idle': 1e-300, 'mem_inuse': -2**31, 'mem_total': 10**18,
    'net_in': -0.5, 'net_out': 3, 'extra': [1, (2, 3), {'k': None, 'b': True, 'f': False}],
}
for name, d in [('host', host), ('initial', initial), ('odd', odd)]:
    for proto in (0, 1, 2):
        with open('%s.p%d.pkl' % (name, proto), 'wb') as f:
            f.write(pickle.dumps(d, proto))
    with open('%s.json' % name, 'w') as f:
        json.dump(d, f, sort_keys=True)
