// Times in the district's own zone (北京时间), numbers and days as a reader expects them.

const ZONE = "Asia/Shanghai";
const MOMENT = new Intl.DateTimeFormat("zh-CN", {
  timeZone: ZONE,
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
  hour: "2-digit",
  minute: "2-digit",
  hour12: false,
});
const DAY = new Intl.DateTimeFormat("zh-CN", {
  timeZone: ZONE,
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
});

export function moment(iso) {
  return iso ? MOMENT.format(new Date(iso)).replace(/\//g, "-") : "";
}

export function day(iso) {
  if (!iso) return "";
  if (/^\d{4}-\d{2}-\d{2}$/.test(iso)) return iso;
  return DAY.format(new Date(iso)).replace(/\//g, "-");
}

/** A duration in days with one decimal ("3.5 天"); a positive one too short to show as 0.1
 * reads "不足 0.1 天" (not "0.0 天", which says nothing took no time). */
export function days(value) {
  if (value === null || value === undefined || value === "" || Number.isNaN(Number(value)))
    return "";
  const number = Number(value);
  if (number > 0 && number < 0.05) return "不足 0.1 天";
  return `${number.toFixed(1)} 天`;
}

/** Today in Beijing as YYYY-MM-DD, for date fields' defaults. */
export function today() {
  return DAY.format(new Date()).replace(/\//g, "-");
}

/** Now in Beijing as YYYY-MM-DDTHH:MM, for datetime-local fields (the server reads it as UTC+8). */
export function nowLocal() {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat("en-CA", {
      timeZone: ZONE,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
    })
      .formatToParts(new Date())
      .map((p) => [p.type, p.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}`;
}

/** A datetime-local value (Beijing) as an instant the server reads unambiguously. */
export function beijing(local) {
  return local ? `${local.length === 16 ? `${local}:00` : local}+08:00` : null;
}

const UNITS = ["KB", "MB", "GB"];

/** A file's size as a reader expects it: "812 B", "35.4 KB", "1.2 MB" (1 KB = 1024 B). */
export function fileSize(bytes) {
  if (bytes === null || bytes === undefined || Number.isNaN(Number(bytes))) return "";
  let value = Number(bytes);
  if (value < 1024) return `${value} B`;
  let unit = -1;
  do {
    value /= 1024;
    unit += 1;
  } while (value >= 1024 && unit < UNITS.length - 1);
  return `${value >= 100 ? Math.round(value) : value.toFixed(1)} ${UNITS[unit]}`;
}
