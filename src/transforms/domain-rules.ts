// Structural domain candidates (labels + an alphabetic TLD) that are really something else.

// Final labels that are file extensions and not TLDs in practical use: `setup.exe`, `a.json`, `app.min.js`.
const FILE_EXTENSIONS = new Set(
  (
    'exe dll sys drv ocx cpl scr msi msp bat cmd vbs vbe js jse mjs cjs ts tsx jsx wsf hta lnk psm jar war ear ' +
    'class pyc rb php asp aspx jsp cgi htm html css scss xml xsd xsl json jsonl ndjson yml yaml toml ini cfg conf ' +
    'log txt csv tsv rtf doc docx docm xls xlsx xlsm ppt pptx pptm pdf odt ods odp eml msg pst ost rar tar gz tgz ' +
    'xz zst iso img dmg vhd vhdx vmdk ova apk ipa deb rpm bin dat tmp temp bak old swp pid sock db sqlite mdb ' +
    'png jpg jpeg gif bmp tif tiff ico svg webp heic avi mkv wav flac ogg pcap pcapng evtx etl dmp crt cer pem der ' +
    'csr pfx dylib ko cpp hpp cxx java kt swift scala lua psd gitignore lock wasm'
  ).split(' '),
);

// Extensions that are also delegated TLDs: a file name only when it looks like one (`name.zip`, or a path part).
const EXTENSIONS_THAT_ARE_TLDS = new Set('zip mov cab sh pl py md rs so cc app ai ps dot map'.split(' '));

const VERSION_LABEL = /^v?\d+$/;

/**
 * `candidate` is a syntactic hostname (already lowercased, no trailing dot); `rawTld` its final label as written;
 * `inPath` says it followed a single `/` or `\`, i.e. it is a path segment rather than a URL's host.
 */
export function isLikelyDomain(candidate: string, rawTld: string, inPath: boolean): boolean {
  if (candidate.length > 253) return false;
  const labels = candidate.split('.');
  const tld = labels[labels.length - 1];
  if (FILE_EXTENSIONS.has(tld)) return false;
  if (EXTENSIONS_THAT_ARE_TLDS.has(tld) && (inPath || labels.length === 2)) return false;
  // `java.lang.String`, `System.Management.Automation`: code identifiers, not hosts (hosts are one-case).
  if (rawTld !== rawTld.toLowerCase() && rawTld !== rawTld.toUpperCase()) return false;
  // `1.2.beta`, `v2.0.rc`: every label but the last a number means a version, not a host (`163.com` stays).
  if (labels.length >= 3 && labels.slice(0, -1).every((l) => VERSION_LABEL.test(l))) return false;
  return true;
}
