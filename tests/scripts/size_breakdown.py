#!/usr/bin/env python3
"""What the static binary is made of: the pieces of the file, then the managed part by assembly
and by namespace (as sizoscope shows an .mstat).

    size_breakdown.py LINKER_MAP ILC_MAP_XML BINARY

LINKER_MAP is GNU ld's -Map output of the native link: every input object and archive member
with its bytes in each output section, so the native pieces (runtime, shims, OpenSSL, libc) are
exact. ILC_MAP_XML is the AOT compiler's --map: every node it emitted (method code, type data,
metadata, frozen strings) with its length, named after the assembly it comes from; it splits the
managed part (the linker sees it as one object). Only the sections loaded into memory count:
debug sections and symbols are stripped from the shipped file.
"""
import collections
import os
import re
import sys
import xml.etree.ElementTree as ET

LOADED = {'.text', '__managedcode', '__unbox', '.rodata', '.dotnet_eh_table', '.eh_frame',
          '.eh_frame_hdr', '.gcc_except_table', '.data.rel.ro', '.data', '.tdata', '.init_array',
          '.fini_array', '.got', '.got.plt', '.plt', '.rela.plt', '.init', '.fini', '__modules',
          '__libc_freeres_fn', '__libc_subfreeres', '__libc_IO_vtables', '__libc_atexit',
          '__libc_freeres_ptrs', '.note.gnu.property', '.note.gnu.build-id', '.note.ABI-tag'}

# Native inputs by the piece they belong to (archive or object file name).
NATIVE_PIECES = [
    ('OpenSSL libcrypto', re.compile(r'^libcrypto\.a$')),
    ('OpenSSL libssl', re.compile(r'^libssl\.a$')),
    ('.NET runtime (GC, type system, exception handling, startup)',
     re.compile(r'^(libRuntime\..*|libeventpipe-disabled|libstandalonegc-disabled|libaotminipal|'
                r'libstdc\+\+compat|libbootstrapper)\.[ao]$')),
    ('System.*.Native shims (libc, OpenSSL, zlib glue)', re.compile(r'^libSystem\..*\.a$')),
    ('libc, libm, libgcc (glibc, static)', re.compile(r'^(libc|libm.*|libgcc.*|libpthread|libdl|librt|'
                                                       r'crt1|crti|crtn|crtbeginT|crtend)\.[ao]$')),
]
MANAGED_OBJECT = 'tinyfence.o'

# ILC node names start with the mangled assembly name; these are the prefixes that come before it.
NAME_PREFIX = re.compile(r'^(?:_ZTV\d+|__readonlydata_|__GenericDict_|__GCSTATICS|__NONGCSTATICS|'
                         r'__THREADSTATICS|__unbox_|unbox_|__DelegateCtor_|__ehinfo_|__GetNonGCStaticBase_|'
                         r'__GetGCStaticBase_|__GetThreadStaticBase_|__writableData|__FieldRvaData_)?(?:__Array<)?(?:Boxed_)?')
PRIVATE_ASSEMBLIES = {'S_P_CoreLib': 'System.Private.CoreLib', 'S_P_TypeLoader': 'System.Private.TypeLoader',
                      'S_P_Reflection_Execution': 'System.Private.Reflection.Execution',
                      'S_P_StackTraceMetadata': 'System.Private.StackTraceMetadata', 'S_P_Uri': 'System.Private.Uri'}
NAMESPACE_ROOTS = ('System_', 'Internal_', 'Microsoft_', 'Interop_', 'FxResources_', 'MimeKit_', 'MailKit_',
                   'Tinyfence_', 'Org_', 'ILLink_', '_Module_')
# Nodes that belong to no one assembly: what the runtime reads about all of them.
SHARED_NODES = {
    'Metadata': 'reflection and stack-trace metadata (names of types and methods)',
    'StackTraceMethodMapping': 'reflection and stack-trace metadata (names of types and methods)',
    'ArrayOfFrozenObjects': 'frozen objects: string literals, preinitialized arrays',
}


def read_linker_map(path):
    """Bytes per input file (archive(member) or object), loaded sections only."""
    sizes = collections.Counter()
    section = None
    pending = None
    started = False
    line_re = re.compile(r'^ (\S+)?\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)\s+(\S.*)$')
    with open(path, encoding='utf-8', errors='replace') as f:
        for line in f:
            line = line.rstrip('\n')
            if not started:
                started = line.startswith('Linker script and memory map')
                continue
            if line and not line.startswith(' '):
                section = line.split()[0]
                continue
            if line.startswith(' ') and not line.startswith('  ') and len(line.split()) == 1:
                pending = line.split()[0]
                continue
            m = line_re.match(line)
            if not m:
                continue
            name = m.group(1) or pending
            pending = None
            size = int(m.group(3), 16)
            if not name or name.startswith('*') or size == 0 or section not in LOADED:
                continue
            origin = m.group(4)
            if origin.startswith('0x'):
                continue
            sizes[(section, os.path.basename(origin))] += size
    return sizes


def native_piece(origin):
    archive = re.match(r'(.+\.a)\(', origin)
    name = archive.group(1) if archive else origin
    if name == MANAGED_OBJECT:
        return None
    for piece, pattern in NATIVE_PIECES:
        if pattern.match(name):
            return piece
    return 'other native: ' + name


def assembly_of(name):
    """The assembly a node came from, read off its mangled name; None for shared runtime data."""
    name = NAME_PREFIX.sub('', name)
    for mangled, assembly in PRIVATE_ASSEMBLIES.items():
        if name.startswith(mangled + '_'):
            return assembly, name[len(mangled) + 1:]
    start = None
    for root in NAMESPACE_ROOTS:
        i = name.find('_' + root, 1)
        if i > 0 and (start is None or i < start):
            start = i
    if start is None:
        return None, name
    return name[:start].replace('_', '.'), name[start + 1:]


def namespace_of(rest):
    # Mangled as Namespace_Parts_Type__Member: drop the member, then the type.
    owner = re.sub(r'_\d+$', '', rest.split('__')[0].split('<')[0])  # Dictionary_2 is Dictionary`2
    parts = owner.split('_')
    return '.'.join(parts[:-1]) if len(parts) > 1 else '(global)'


def group_of(assembly):
    if assembly == 'tinyfence':
        return 'our code (tinyfence)'
    if assembly in ('MailKit', 'MimeKit'):
        return 'MailKit + MimeKit'
    return 'BCL: ' + assembly


def read_ilc_map(path):
    by_group = collections.Counter()
    by_namespace = collections.Counter()
    for node in ET.parse(path).getroot():
        length = int(node.get('Length', 0))
        assembly, rest = assembly_of(node.get('Name', ''))
        if assembly is None:
            label = SHARED_NODES.get(node.tag, 'type data, GC info, dispatch maps, statics (shared)')
            by_group['runtime data: ' + label] += length
            continue
        by_group[group_of(assembly)] += length
        by_namespace[assembly + ': ' + namespace_of(rest)] += length
    return by_group, by_namespace


def mb(n):
    return f'{n / 1e6:7.3f} MB'


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    linker_map, ilc_map, binary = sys.argv[1:]
    sizes = read_linker_map(linker_map)
    pieces = collections.Counter()
    managed_total = 0
    managed_unwind = 0
    for (section, origin), size in sizes.items():
        piece = native_piece(origin)
        if piece is None:
            managed_total += size
            if section == '.eh_frame':
                managed_unwind += size
        elif section == '.eh_frame_hdr':
            pieces['unwind index (.eh_frame_hdr, all code)'] += size
        else:
            pieces[piece] += size

    by_group, by_namespace = read_ilc_map(ilc_map)
    ilc_total = sum(by_group.values())
    file_size = os.path.getsize(binary)

    print(f'{file_size:,} bytes  {binary}')
    print()
    print('pieces of the file (loaded sections; the rest is headers and alignment)')
    print(f'  {mb(managed_total)}  managed code and data (the AOT compiler\'s output), of which:')
    for group, size in sorted(by_group.items(), key=lambda kv: -kv[1]):
        if size >= 20000:
            print(f'      {mb(size)}  {group}')
    small = sum(size for size in by_group.values() if size < 20000)
    print(f'      {mb(small)}  the other BCL assemblies and shared data (each under 0.02 MB)')
    print(f'      {mb(managed_unwind)}  unwind info for managed code (.eh_frame)')
    print(f'      {mb(managed_total - managed_unwind - ilc_total)}  other (alignment, relocated data)')
    for piece, size in sorted(pieces.items(), key=lambda kv: -kv[1]):
        print(f'  {mb(size)}  {piece}')
    accounted = managed_total + sum(pieces.values())
    print(f'  {mb(file_size - accounted)}  headers, alignment between sections')
    print()
    print('managed code and data by namespace (largest 40)')
    for namespace, size in by_namespace.most_common(40):
        print(f'  {mb(size)}  {namespace}')


if __name__ == '__main__':
    main()
