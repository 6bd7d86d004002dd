#include "app/cli/evidence_cmd.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <iostream>
#include <memory>

#include <nlohmann/json.hpp>

#include "app/cli/incident_cmd.hpp"
#include "app/cli/session.hpp"
#include "forensics/core/clock.hpp"
#include "forensics/evidence/evidence.hpp"
#include "forensics/report/evidence_pdf.hpp"
#include "forensics/i18n/catalogue.hpp"
#include "forensics/i18n/format.hpp"
#include "forensics/integrity/digest.hpp"

namespace shodo::cli {
namespace fs = std::filesystem;
using namespace evidence;
using i18n::tr;
using nlohmann::json;

namespace {

// "E001" / "e001-01" → "<incident>-E001"; a full number is kept as given.
std::string or_dash(const std::string& s) { return s.empty() ? "—" : s; }

// "3 件" / "3 item(s)".
std::string count_line(std::size_t n) {
  std::string s = tr("evidence.cli.count");
  const auto pos = s.find("{n}");
  if (pos != std::string::npos) s.replace(pos, 3, std::to_string(n));
  return s;
}

std::string person_text(const Person& p) {
  return i18n::format_person(p.name, {p.organisation, p.role, p.phone});
}

std::string time_text(const std::optional<RecordedTime>& t) {
  if (!t || t->utc_ns == 0) return "—";
  const std::string q = i18n::format_time_quality(t->quality);
  return format_jst_display(t->utc_ns) + " JST" + (q.empty() ? "" : " (" + q + ")");
}

using Subs = std::initializer_list<std::pair<std::string_view, std::string_view>>;

// The catalogue text of `key` in `lang` with its {placeholders} replaced.
std::string fill(const char* key, i18n::Lang lang, Subs subs) {
  std::string text = tr(key, lang);
  for (const auto& [name, value] : subs) {
    const std::string token = "{" + std::string(name) + "}";
    for (auto pos = text.find(token); pos != std::string::npos; pos = text.find(token, pos + value.size()))
      text.replace(pos, token.size(), value);
  }
  return text;
}

// A catalogue message in both languages.
Error cli_error(ErrorCode code, const char* key, Subs subs) {
  return make_error(code, fill(key, i18n::Lang::ja, subs), fill(key, i18n::Lang::en, subs));
}

// A catalogue message in the current language.
std::string text_of(const char* key, Subs subs) { return fill(key, i18n::current_lang(), subs); }

Error bad_time(const std::string& t) { return cli_error(ErrorCode::invalid_input, "evidence.cli.error.bad_time", {{"time", t}}); }

// A time the operator typed (JST or with an offset), recorded as "estimated". One later than the
// kit's clock (with 10 minutes of slack for unsynchronised watches) is almost always a typo — a
// wrong day or month — but the kit's clock may be the wrong one, so it is kept with a warning.
Result<RecordedTime> typed_time(const std::string& text, const Workspace& ws, const char* field_key) {
  std::int64_t ns = 0;
  if (!parse_time(text, ns)) return bad_time(text);
  constexpr std::int64_t k_slack_ns = 600'000'000'000;
  const RecordedTime now = now_time(ws);
  if (ns > now.utc_ns + k_slack_ns)
    std::cerr << "shodo: " << tr("cli.warning") << ": "
              << text_of("evidence.cli.warn.future_time",
                         {{"field", tr(field_key)}, {"time", format_jst_display(ns)}, {"now", format_jst_display(now.utc_ns)}})
              << "\n";
  return entered_time(ns);
}

Error not_registered(const std::string& no) {
  return cli_error(ErrorCode::not_found, "evidence.error.not_registered", {{"no", no}});
}

json item_json(const EvidenceItem& i) {
  json j = to_json(i);
  j["current_custodian"] = to_json(i.current_custodian);
  j["registered_utc_ns"] = i.registered_utc_ns;
  j["registered_by"] = i.registered_by;
  return j;
}

// Opens the register of the current incident. A damaged chronology (read-only workspace) still
// allows reading the register; `ws_out` is then null.
struct Opened {
  std::unique_ptr<Workspace> ws;
  std::optional<EvidenceRegister> reg;
  std::string incident;
};

Result<Opened> open_for_reading(const Globals& g) {
  Opened o;
  auto ws = open_workspace(g, false);
  if (ws) {
    o.ws = std::move(ws.value());
    o.incident = o.ws->incident().incident_id;
    auto reg = EvidenceRegister::open(*o.ws);
    if (!reg) return reg.error();
    o.reg = std::move(reg.value());
    return o;
  }
  if (ws.error().code != ErrorCode::read_only) return ws.error();
  auto id = current_incident(g);
  if (!id) return id.error();
  std::cerr << "shodo: " << tr("cli.warning") << ": " << tr("evidence.cli.chronology_damaged") << "\n";
  o.incident = id.value();
  auto reg = EvidenceRegister::open_dir(incident_dir(resolve_case_root(g.case_root), id.value()), id.value());
  if (!reg) return reg.error();
  o.reg = std::move(reg.value());
  return o;
}

// Runs `fn` with a writable workspace and its register; maps errors to the exit code.
template <class Fn>
void with_register(const Globals& g, int& exit_code, Fn fn) {
  auto ws = open_workspace(g, true);
  if (!ws) {
    exit_code = report_error(ws.error());
    return;
  }
  auto reg = EvidenceRegister::open(*ws.value());
  if (!reg) {
    exit_code = report_error(reg.error());
    return;
  }
  if (auto st = fn(*ws.value(), reg.value()); !st) exit_code = report_error(st.error());
}

void print_item_line(const EvidenceItem& i) {
  const HashRecord* h = i.primary_sha256();
  std::cout << i.evidence_no << "  [" << item_type_label(i.item_type, i18n::japanese()) << "]  " << i.description << "\n"
            << "    " << tr("evidence.field.collected_time") << ": " << time_text(i.collected_time) << "  "
            << tr("evidence.field.collected_by") << ": " << or_dash(i.collected_by.name) << "  "
            << tr("evidence.field.current_custodian") << ": " << or_dash(i.current_custodian.name) << "\n"
            << "    " << (h ? "SHA-256: " + h->value.substr(0, 16) : std::string(tr("evidence.label.sha256_missing")));
  if (!i.derived_from.empty()) std::cout << "  " << tr("evidence.field.derived_from") << ": " << i.derived_from;
  if (!i.seal_no.empty()) std::cout << "  " << tr("evidence.field.seal_no") << ": " << i.seal_no;
  if (!i.storage_location.empty()) std::cout << "  " << tr("evidence.field.storage_location") << ": " << i.storage_location;
  std::cout << "\n";
}

void field(const char* key, const std::string& value) {
  if (!value.empty()) std::cout << "  " << tr(key) << ": " << value << "\n";
}

void print_item_full(const EvidenceItem& i, const std::vector<Transfer>& transfers, const Workspace* ws) {
  const bool ja = i18n::japanese();
  std::cout << i.evidence_no << "  " << i.description << "\n";
  field("evidence.field.case_no", i.case_no);
  field("evidence.field.item_type", item_type_label(i.item_type, ja));
  field("evidence.field.derived_from", i.derived_from);
  field("evidence.field.label_id", i.label_id);
  field("evidence.field.seal_no", i.seal_no);
  field("evidence.field.bag_no", i.bag_no);
  field("evidence.field.make", i.make);
  field("evidence.field.model", i.model);
  field("evidence.field.serial_no", i.serial_no);
  if (i.capacity_bytes) field("evidence.field.capacity", std::to_string(*i.capacity_bytes) + " bytes");
  field("evidence.field.interface", i.interface);
  field("evidence.field.asset_id", i.asset_id);
  field("evidence.field.hostname", i.hostname);
  for (const auto& a : i.ip_addresses) field("evidence.field.ip_addresses", a);
  for (const auto& a : i.mac_addresses) field("evidence.field.mac_addresses", a);
  field("evidence.field.owner_org", i.owner_org);
  field("evidence.field.condition", i.condition);
  field("evidence.field.found_location", i.found_location);
  if (i.found_time) field("evidence.field.found_time", time_text(i.found_time));
  field("evidence.field.collected_time", time_text(i.collected_time));
  field("evidence.field.collected_by", person_text(i.collected_by));
  if (!i.witness.empty()) field("evidence.field.witness", person_text(i.witness));
  field("evidence.field.collection_reason", i.collection_reason);
  if (!i.source_clock_reading.empty() || i.source_clock_offset_ns || !i.source_timezone.empty()) {
    std::string s = i.source_clock_reading;
    if (i.source_clock_offset_ns) s += (s.empty() ? "" : "  ") + fmt::format("{:+.1f} s", static_cast<double>(*i.source_clock_offset_ns) / 1e9);
    if (!i.source_timezone.empty()) s += (s.empty() ? "" : "  ") + i.source_timezone;
    field("evidence.field.source_clock", s);
  }
  for (const auto& p : i.photos) field("evidence.field.photos", p.file + " sha256:" + p.sha256);
  if (i.acquisition) {
    const Acquisition& a = *i.acquisition;
    field("evidence.field.acquisition", a.method + " " + a.image_format + " " + a.tool_name + " " + a.tool_version);
    field("evidence.acq.source", a.source_device_path);
    field("evidence.acq.write_protection", a.write_protection);
    field("evidence.acq.destination", a.destination_path);
    field("evidence.acq.medium_serial", a.destination_medium_serial);
    field("evidence.acq.read_errors", std::to_string(a.read_errors));
    field("evidence.acq.operator", person_text(a.operator_));
    field("evidence.acq.deviations", a.deviations);
    field("evidence.acq.outcome", a.outcome);
  }
  for (const auto& h : i.hashes)
    field("evidence.field.hashes", h.algorithm + " " + h.value + " " + h.scope + (h.target.empty() ? "" : " " + h.target) + "  " +
                                       format_jst_display(h.computed_utc_ns) + " JST " + h.computed_by);
  for (const auto& v : i.verification_events)
    field("evidence.field.verification", format_jst_display(v.utc_ns) + " JST " + v.what + " " +
                                             tr(v.match ? "evidence.verify.match" : "evidence.verify.mismatch") + " " + v.by +
                                             (v.detail.empty() ? "" : " " + v.detail));
  field("evidence.field.storage_location", i.storage_location);
  field("evidence.field.storage_conditions", i.storage_conditions);
  field("evidence.field.access_restriction", i.access_restriction);
  field("evidence.field.current_custodian", person_text(i.current_custodian));
  if (i.disposition)
    field("evidence.field.disposition", i.disposition->action + " " + i.disposition->detail + " " + format_jst_display(i.disposition->utc_ns) +
                                            " JST " + person_text(i.disposition->by));
  for (const auto& r : i.refs) field("evidence.field.refs", r);
  std::cout << tr("evidence.field.transfers") << ": " << transfers.size() << "\n";
  for (const auto& t : transfers) {
    std::cout << "  " << t.transfer_id << "  " << format_jst_display(t.time.utc_ns) << " JST  " << person_text(t.from) << " → "
              << person_text(t.to) << "\n    " << tr("evidence.cli.purpose") << ": " << t.purpose;
    if (!t.method.empty()) std::cout << "  " << tr("evidence.cli.method") << ": " << t.method;
    if (!t.tracking_no.empty()) std::cout << "  " << tr("evidence.cli.tracking") << ": " << t.tracking_no;
    if (!t.seal_no_before.empty() || !t.seal_no_after.empty())
      std::cout << "  " << tr("evidence.field.seal_no") << ": " << or_dash(t.seal_no_before) << " → " << or_dash(t.seal_no_after);
    if (t.seal_intact) std::cout << "  " << tr(*t.seal_intact ? "evidence.seal.intact" : "evidence.seal.broken");
    std::cout << "\n";
  }
  if (ws) {
    std::cout << tr("evidence.cli.chronology") << ":\n";
    for (const auto& e : ws->log().entries())
      if (std::find(e.refs.begin(), e.refs.end(), i.evidence_no) != e.refs.end())
        std::cout << "  No. " << e.seq << "  " << format_jst_display(e.display_utc_ns()) << " JST  " << content_for(e, !i18n::japanese()) << "\n";
  }
}

struct PersonArgs {
  std::string name, org, role, phone;
  Person person() const { return {name, role, org, phone}; }
};

void add_person_options(CLI::App* c, PersonArgs& p, const std::string& prefix, const char* desc_key, bool name_option = true) {
  if (name_option) c->add_option("--" + prefix, p.name, tr(desc_key));
  c->add_option("--" + prefix + "-org", p.org, tr("evidence.cli.opt.org"));
  c->add_option("--" + prefix + "-role", p.role, tr("evidence.cli.opt.role"));
  c->add_option("--" + prefix + "-phone", p.phone, tr("evidence.cli.opt.phone"));
}

std::vector<std::string> type_names() {
  return {"physical_device", "storage_medium", "disk_image",    "memory_capture", "logical_file_set",
          "log_export",      "photo",          "document",      "backup_medium",  "kit_record_set"};
}

struct AddArgs {
  std::string description, type, make, model, serial, interface, asset_id, hostname, owner, condition, found_location;
  std::string found_time, collected_time, reason, source_clock, source_tz, seal, bag, label_id, storage, derived_from, sub_of;
  std::string sha256, hash_scope = "whole_device", hash_target;
  double source_offset_s = 0;
  bool has_offset = false;
  std::int64_t capacity = -1;
  std::vector<std::string> ips, macs, photos, refs;
  PersonArgs collector, witness;
};

Status build_item(const AddArgs& a, Workspace& ws, const EvidenceRegister& reg, EvidenceItem& i) {
  i.description = a.description;
  i.item_type = *item_type_from(a.type);
  i.make = a.make;
  i.model = a.model;
  i.serial_no = a.serial;
  if (a.capacity >= 0) i.capacity_bytes = a.capacity;
  i.interface = a.interface;
  i.asset_id = a.asset_id;
  i.hostname = a.hostname;
  i.ip_addresses = a.ips;
  i.mac_addresses = a.macs;
  i.owner_org = a.owner;
  i.condition = a.condition;
  i.found_location = a.found_location;
  if (!a.found_time.empty()) {
    auto t = typed_time(a.found_time, ws, "evidence.field.found_time");
    if (!t) return t.error();
    i.found_time = t.value();
  }
  if (!a.collected_time.empty()) {
    auto t = typed_time(a.collected_time, ws, "evidence.field.collected_time");
    if (!t) return t.error();
    i.collected_time = t.value();
  }
  i.collected_by = a.collector.person();
  if (i.collected_by.name.empty()) i.collected_by.name = ws.log().current_operator().name;
  i.witness = a.witness.person();
  i.collection_reason = a.reason;
  i.source_clock_reading = a.source_clock;
  if (a.has_offset) i.source_clock_offset_ns = static_cast<std::int64_t>(a.source_offset_s * 1e9);
  i.source_timezone = a.source_tz;
  i.seal_no = a.seal;
  i.bag_no = a.bag;
  i.label_id = a.label_id;
  i.storage_location = a.storage;
  i.refs = a.refs;
  i.derived_from = a.derived_from.empty() ? std::string() : reg.full_number(a.derived_from);
  if (!a.sub_of.empty()) {
    const std::string parent = reg.full_number(a.sub_of);
    auto no = reg.next_evidence_no(parent);
    if (!no) return no.error();
    i.evidence_no = no.value();
    if (i.derived_from.empty()) i.derived_from = parent;
  }
  if (!a.sha256.empty()) {
    // sha256sum prints lower case, other tools upper case: the value is the same.
    std::string value = a.sha256;
    std::transform(value.begin(), value.end(), value.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (value.size() != 64 || value.find_first_not_of("0123456789abcdef") != std::string::npos)
      return cli_error(ErrorCode::invalid_input, "evidence.cli.error.bad_sha256", {{"value", a.sha256}});
    HashRecord h;
    h.algorithm = "sha256";
    h.value = value;
    h.scope = a.hash_scope;
    h.target = a.hash_target;
    h.tool = "entered by hand";
    i.hashes.push_back(h);
  }
  for (const auto& p : a.photos) {
    auto at = ws.import_attachment(p);
    if (!at) return at.error();
    i.photos.push_back({at->file, at->sha256});
  }
  return ok_status();
}

void print_written(const Globals& g, const std::vector<WrittenFile>& files) {
  if (g.json) {
    json a = json::array();
    for (const auto& f : files) a.push_back({{"path", f.path.string()}, {"sha256", f.sha256}});
    std::cout << json{{"files", a}}.dump(2) << "\n";
    return;
  }
  for (const auto& f : files) std::cout << f.sha256 << "  " << f.path.string() << "\n";
}

// What `evidence label`, `custody-form` and `register` take: the item and where to write.
struct OutArgs {
  std::string number, out;
};

// `shodo evidence list`.
void add_evidence_list(CLI::App* ev, Globals& g, int& exit_code) {
  auto* list = ev->add_subcommand("list", tr("evidence.cli.list"));
  list->callback([&g, &exit_code] {
    auto o = open_for_reading(g);
    if (!o) {
      exit_code = report_error(o.error());
      return;
    }
    const auto items = o->reg->items();
    if (g.json) {
      for (const auto& i : items) std::cout << item_json(i).dump() << "\n";
      return;
    }
    if (items.empty()) {
      std::cout << tr("evidence.register.empty") << "\n";
      return;
    }
    for (const auto& i : items) print_item_line(i);
    std::cout << count_line(items.size()) << "\n";
  });
}

// `shodo evidence show <no>`: the item, its transfers and hashes.
void add_evidence_show(CLI::App* ev, Globals& g, int& exit_code) {
  auto show_no = std::make_shared<std::string>();
  auto* show = ev->add_subcommand("show", tr("evidence.cli.show"));
  show->add_option("evidence_no", *show_no, tr("evidence.cli.opt.evidence_no"))->required();
  show->callback([&g, &exit_code, show_no] {
    auto o = open_for_reading(g);
    if (!o) {
      exit_code = report_error(o.error());
      return;
    }
    const std::string no = o->reg->full_number(*show_no);
    auto item = o->reg->find(no);
    if (!item) {
      exit_code = report_error(not_registered(no));
      return;
    }
    const auto transfers = o->reg->transfers_of(no);
    if (g.json) {
      json ts = json::array();
      for (const auto& t : transfers) ts.push_back(to_json(t));
      json refs = json::array();
      if (o->ws)
        for (const auto& e : o->ws->log().entries())
          if (std::find(e.refs.begin(), e.refs.end(), no) != e.refs.end())
            refs.push_back({{"seq", e.seq}, {"entry_id", e.entry_id}, {"system_event", e.system_event}, {"content", e.content}, {"content_en", e.content_en}});
      std::cout << json{{"item", item_json(*item)}, {"transfers", ts}, {"chronology", refs}}.dump(2) << "\n";
      return;
    }
    print_item_full(*item, transfers, o->ws.get());
  });
}

// `shodo evidence add`: registers an item.
void add_evidence_add(CLI::App* ev, Globals& g, int& exit_code) {
  auto aa = std::make_shared<AddArgs>();
  auto* add = ev->add_subcommand("add", tr("evidence.cli.add"));
  add->add_option("--description", aa->description, tr("evidence.cli.opt.description"))->required();
  add->add_option("--type", aa->type, tr("evidence.cli.opt.type"))->required()->check(CLI::IsMember(type_names()));
  add->add_option("--make", aa->make, tr("evidence.field.make"));
  add->add_option("--model", aa->model, tr("evidence.field.model"));
  add->add_option("--serial", aa->serial, tr("evidence.field.serial_no"));
  add->add_option("--capacity", aa->capacity, tr("evidence.cli.opt.capacity"))->check(CLI::NonNegativeNumber);
  add->add_option("--interface", aa->interface, tr("evidence.field.interface"));
  add->add_option("--asset-id", aa->asset_id, tr("evidence.field.asset_id"));
  add->add_option("--hostname", aa->hostname, tr("evidence.field.hostname"));
  add->add_option("--ip", aa->ips, tr("evidence.field.ip_addresses"));
  add->add_option("--mac", aa->macs, tr("evidence.field.mac_addresses"));
  add->add_option("--owner", aa->owner, tr("evidence.field.owner_org"));
  add->add_option("--condition", aa->condition, tr("evidence.field.condition"));
  add->add_option("--found-location", aa->found_location, tr("evidence.field.found_location"));
  add->add_option("--found-time", aa->found_time, tr("evidence.cli.opt.found_time"));
  add->add_option("--collected-time", aa->collected_time, tr("evidence.cli.opt.collected_time"));
  add_person_options(add, aa->collector, "collected-by", "evidence.cli.opt.collected_by");
  add_person_options(add, aa->witness, "witness", "evidence.field.witness");
  add->add_option("--reason", aa->reason, tr("evidence.field.collection_reason"));
  add->add_option("--source-clock", aa->source_clock, tr("evidence.cli.opt.source_clock"));
  add->add_option("--source-clock-offset", aa->source_offset_s, tr("evidence.cli.opt.source_clock_offset"));
  add->add_option("--source-timezone", aa->source_tz, tr("evidence.cli.opt.source_timezone"));
  add->add_option("--seal", aa->seal, tr("evidence.field.seal_no"));
  add->add_option("--bag", aa->bag, tr("evidence.field.bag_no"));
  add->add_option("--label-id", aa->label_id, tr("evidence.field.label_id"));
  add->add_option("--storage", aa->storage, tr("evidence.field.storage_location"));
  add->add_option("--derived-from", aa->derived_from, tr("evidence.field.derived_from"));
  add->add_option("--sub-of", aa->sub_of, tr("evidence.cli.opt.sub_of"));
  add->add_option("--sha256", aa->sha256, tr("evidence.cli.opt.sha256"));
  add->add_option("--hash-scope", aa->hash_scope, tr("evidence.cli.opt.hash_scope"))
      ->check(CLI::IsMember({"whole_device", "image_file", "segment", "logical_file", "partial"}));
  add->add_option("--hash-target", aa->hash_target, tr("evidence.cli.opt.hash_target"));
  add->add_option("--photo", aa->photos, tr("evidence.cli.opt.photo"));
  add->add_option("--ref", aa->refs, tr("cli.opt.ref"));
  add->callback([&g, &exit_code, aa, add] {
    aa->has_offset = add->count("--source-clock-offset") > 0;
    with_register(g, exit_code, [&](Workspace& ws, EvidenceRegister& reg) -> Status {
      EvidenceItem item;
      if (auto st = build_item(*aa, ws, reg, item); !st) return st;
      auto r = reg.add_item(ws, std::move(item));
      if (!r) return r.error();
      if (g.json) {
        std::cout << item_json(r.value()).dump() << "\n";
      } else {
        std::cout << tr("evidence.cli.added") << ": " << r->evidence_no << "\n";
      }
      return ok_status();
    });
  });
}

// `shodo evidence transfer <no>`: a custody transfer.
void add_evidence_transfer(CLI::App* ev, Globals& g, int& exit_code) {
  struct TransferArgs {
    std::vector<std::string> numbers;
    PersonArgs from, to;
    std::string purpose, method, courier, tracking, seal_before, seal_intact, seal_after, condition, rehash, signed_form, time;
  };
  auto ta = std::make_shared<TransferArgs>();
  auto* tr_cmd = ev->add_subcommand("transfer", tr("evidence.cli.transfer"));
  tr_cmd->add_option("evidence_no", ta->numbers, tr("evidence.cli.opt.evidence_nos"))->required();
  tr_cmd->add_option("--from", ta->from.name, tr("evidence.cli.opt.from"))->required();
  add_person_options(tr_cmd, ta->from, "from", "evidence.cli.opt.from", false);
  tr_cmd->add_option("--to", ta->to.name, tr("evidence.cli.opt.to"))->required();
  add_person_options(tr_cmd, ta->to, "to", "evidence.cli.opt.to", false);
  tr_cmd->add_option("--purpose", ta->purpose, tr("evidence.cli.opt.purpose"))->required();
  tr_cmd->add_option("--method", ta->method, tr("evidence.cli.opt.method"))->required();
  tr_cmd->add_option("--courier", ta->courier, tr("evidence.cli.opt.courier"));
  tr_cmd->add_option("--tracking", ta->tracking, tr("evidence.cli.opt.tracking"));
  tr_cmd->add_option("--seal-before", ta->seal_before, tr("evidence.cli.opt.seal_before"));
  tr_cmd->add_option("--seal-intact", ta->seal_intact, tr("evidence.cli.opt.seal_intact"))->check(CLI::IsMember({"yes", "no"}));
  tr_cmd->add_option("--seal-after", ta->seal_after, tr("evidence.cli.opt.seal_after"));
  tr_cmd->add_option("--condition", ta->condition, tr("evidence.cli.opt.condition_on_receipt"));
  tr_cmd->add_option("--rehash", ta->rehash, tr("evidence.cli.opt.rehash"))->check(CLI::IsMember({"match", "mismatch"}));
  tr_cmd->add_option("--signed-form", ta->signed_form, tr("evidence.cli.opt.signed_form"));
  tr_cmd->add_option("--time", ta->time, tr("evidence.cli.opt.transfer_time"));
  tr_cmd->callback([&g, &exit_code, ta] {
    with_register(g, exit_code, [&](Workspace& ws, EvidenceRegister& reg) -> Status {
      Transfer t;
      for (const auto& n : ta->numbers) t.evidence_nos.push_back(reg.full_number(n));
      t.from = ta->from.person();
      t.to = ta->to.person();
      t.purpose = ta->purpose;
      t.method = ta->method;
      t.courier = ta->courier;
      t.tracking_no = ta->tracking;
      t.seal_no_before = ta->seal_before;
      if (!ta->seal_intact.empty()) t.seal_intact = ta->seal_intact == "yes";
      t.seal_no_after = ta->seal_after;
      t.condition_on_receipt = ta->condition;
      if (!ta->rehash.empty()) t.hash_reverified = ta->rehash == "match";
      if (!ta->time.empty()) {
        auto tt = typed_time(ta->time, ws, "evidence.cli.transfer_time");
        if (!tt) return tt.error();
        t.time = tt.value();
      }
      if (!ta->signed_form.empty()) {
        auto at = ws.import_attachment(ta->signed_form);
        if (!at) return at.error();
        t.signed_form_file = at->file;
        t.signed_form_sha256 = at->sha256;
      }
      // A handover by someone who does not hold the item is a gap in the chain of custody: it is
      // recorded as told (the paper form may be entered late), with a warning to look into it.
      std::vector<std::string> warnings;
      for (const auto& no : t.evidence_nos)
        if (auto item = reg.find(no); item && !item->current_custodian.name.empty() && item->current_custodian.name != t.from.name)
          warnings.push_back(text_of("evidence.cli.warn.not_custodian", {{"no", no}, {"custodian", item->current_custodian.name}, {"from", t.from.name}}));
      auto r = reg.record_transfer(ws, t);
      if (!r) return r.error();
      for (const auto& w : warnings) std::cerr << "shodo: " << tr("cli.warning") << ": " << w << "\n";
      if (g.json) {
        std::cout << to_json(r.value()).dump() << "\n";
      } else {
        std::cout << tr("evidence.cli.transferred") << ": " << r->transfer_id << "  " << person_text(r->from) << " → " << person_text(r->to)
                  << "\n";
        if (r->seal_intact && !*r->seal_intact) std::cout << tr("evidence.cli.seal_broken_hint") << "\n";
      }
      return ok_status();
    });
  });
}

// `shodo evidence seal <no>`.
void add_evidence_seal(CLI::App* ev, Globals& g, int& exit_code) {
  struct SealArgs {
    std::string number, seal, bag, note;
  };
  auto sa = std::make_shared<SealArgs>();
  auto* seal = ev->add_subcommand("seal", tr("evidence.cli.seal"));
  seal->add_option("evidence_no", sa->number, tr("evidence.cli.opt.evidence_no"))->required();
  seal->add_option("--seal-no", sa->seal, tr("evidence.field.seal_no"))->required();
  seal->add_option("--bag", sa->bag, tr("evidence.field.bag_no"));
  seal->add_option("--note", sa->note, tr("evidence.cli.opt.note"));
  seal->callback([&g, &exit_code, sa] {
    with_register(g, exit_code, [&](Workspace& ws, EvidenceRegister& reg) -> Status {
      const std::string no = reg.full_number(sa->number);
      if (auto st = reg.record_seal(ws, no, sa->seal, sa->bag, sa->note); !st) return st;
      if (g.json)
        std::cout << item_json(*reg.find(no)).dump() << "\n";
      else
        std::cout << tr("evidence.cli.sealed") << ": " << no << "  " << sa->seal << "\n";
      return ok_status();
    });
  });
}

// `shodo evidence storage <no>`.
void add_evidence_storage(CLI::App* ev, Globals& g, int& exit_code) {
  struct StorageArgs {
    std::string number, location, conditions, access, reason;
  };
  auto st_args = std::make_shared<StorageArgs>();
  auto* storage = ev->add_subcommand("storage", tr("evidence.cli.storage"));
  storage->add_option("evidence_no", st_args->number, tr("evidence.cli.opt.evidence_no"))->required();
  storage->add_option("--location", st_args->location, tr("evidence.field.storage_location"))->required();
  storage->add_option("--conditions", st_args->conditions, tr("evidence.field.storage_conditions"));
  storage->add_option("--access", st_args->access, tr("evidence.field.access_restriction"));
  storage->add_option("--reason", st_args->reason, tr("cli.opt.reason"));
  storage->callback([&g, &exit_code, st_args] {
    with_register(g, exit_code, [&](Workspace& ws, EvidenceRegister& reg) -> Status {
      const std::string no = reg.full_number(st_args->number);
      if (auto st = reg.update_storage(ws, no, st_args->location, st_args->conditions, st_args->access, st_args->reason); !st) return st;
      if (g.json)
        std::cout << item_json(*reg.find(no)).dump() << "\n";
      else
        std::cout << tr("evidence.cli.stored") << ": " << no << "  " << st_args->location << "\n";
      return ok_status();
    });
  });
}

// `shodo evidence label <no>` (EV-01).
void add_evidence_label(CLI::App* ev, Globals& g, int& exit_code) {
  auto la = std::make_shared<OutArgs>();
  auto* label = ev->add_subcommand("label", tr("evidence.cli.label"));
  label->add_option("evidence_no", la->number, tr("evidence.cli.opt.evidence_no"))->required();
  label->add_option("-o,--out", la->out, tr("evidence.cli.opt.out_pdf"));
  label->callback([&g, &exit_code, la] {
    with_register(g, exit_code, [&](Workspace& ws, EvidenceRegister& reg) -> Status {
      auto f = export_label(ws, reg.full_number(la->number), i18n::japanese(), la->out);
      if (!f) return f.error();
      print_written(g, {f.value()});
      return ok_status();
    });
  });
}

// `shodo evidence custody-form <no>` (EV-02).
void add_evidence_custody_form(CLI::App* ev, Globals& g, int& exit_code) {
  auto ca = std::make_shared<OutArgs>();
  auto* custody = ev->add_subcommand("custody-form", tr("evidence.cli.custody_form"));
  custody->add_option("evidence_no", ca->number, tr("evidence.cli.opt.evidence_no"))->required();
  custody->add_option("-o,--out", ca->out, tr("evidence.cli.opt.out_pdf"));
  custody->callback([&g, &exit_code, ca] {
    with_register(g, exit_code, [&](Workspace& ws, EvidenceRegister& reg) -> Status {
      auto f = export_custody_form(ws, reg.full_number(ca->number), i18n::japanese(), ca->out);
      if (!f) return f.error();
      print_written(g, {f.value()});
      return ok_status();
    });
  });
}

// `shodo evidence register` (EV-03).
void add_evidence_register(CLI::App* ev, Globals& g, int& exit_code) {
  auto ra = std::make_shared<OutArgs>();
  auto* reg_cmd = ev->add_subcommand("register", tr("evidence.cli.register"));
  reg_cmd->add_option("-o,--out", ra->out, tr("evidence.cli.opt.out_dir"));
  reg_cmd->callback([&g, &exit_code, ra] {
    with_register(g, exit_code, [&](Workspace& ws, EvidenceRegister&) -> Status {
      auto f = export_register(ws, i18n::japanese(), ra->out);
      if (!f) return f.error();
      print_written(g, f.value());
      return ok_status();
    });
  });
}

// `shodo evidence verify [register_file]`.
void add_evidence_verify(CLI::App* ev, Globals& g, int& exit_code) {
  // Exit 0 intact, 4 damaged (altered, deleted, reordered or cut-off lines), 8 only the last line
  // incomplete (an interrupted write). The verdict goes to stdout like `chrono verify`; the file is
  // never changed.
  auto verify_file = std::make_shared<std::string>();
  auto* verify = ev->add_subcommand("verify", tr("evidence.cli.verify"));
  verify->add_option("register_file", *verify_file, tr("evidence.cli.opt.register_file"));
  verify->callback([&g, &exit_code, verify_file] {
    fs::path file = *verify_file;
    const bool own = file.empty();
    if (own) {
      auto id = current_incident(g);
      if (!id) {
        exit_code = report_error(id.error());
        return;
      }
      file = incident_dir(resolve_case_root(g.case_root), id.value()) / "evidence" / k_register_file;
    }
    std::error_code ec;
    if (!own && !fs::is_regular_file(file, ec)) {
      exit_code = report_error(cli_error(ErrorCode::not_found, "evidence.cli.error.no_register", {{"file", file.string()}}));
      return;
    }
    RegisterCheck c;
    if (own) {
      // With the workspace the check also covers lines cut off the end (the chronology names every
      // register event). A damaged chronology (read-only) still allows the chain check.
      auto ws = open_workspace(g, false);
      if (!ws && ws.error().code != ErrorCode::read_only) {
        exit_code = report_error(ws.error());
        return;
      }
      if (ws) {
        c = verify_register(*ws.value());
      } else {
        std::cerr << "shodo: " << tr("cli.warning") << ": " << tr("evidence.cli.chronology_damaged") << "\n";
        c = verify_register(file);
      }
    } else {
      c = verify_register(file);
    }
    const bool ja = i18n::japanese();
    const int rc = c.ok() ? 0 : c.torn_tail ? 8 : 4;
    if (g.json) {
      json j{{"file", file.string()}, {"lines", c.lines}, {"verified_lines", c.good}, {"ok", c.ok()}};
      if (c.ok()) j["head"] = c.head_hash;
      if (!c.ok())
        j["problem"] = {{"line", *c.bad_line}, {"torn_tail", c.torn_tail}, {"message_ja", c.problem_ja}, {"message_en", c.problem_en}};
      std::cout << j.dump(2) << "\n";
    } else if (c.ok()) {
      std::cout << "OK  " << file.string() << "  " << tr("evidence.cli.verify.lines") << ": " << c.lines << "  "
                << tr("evidence.cli.verify.head") << ": " << c.head_hash << "\n";
    } else {
      std::cout << (c.torn_tail ? "TORN  " : "NG  ") << file.string() << "\n  "
                << text_of("evidence.cli.verify.problem_at",
                           {{"line", std::to_string(*c.bad_line)}, {"problem", ja ? c.problem_ja : c.problem_en}})
                << "\n  " << tr("evidence.cli.verify.good_prefix") << ": " << c.good << "\n  " << tr("cli.verify.never_repairs")
                << "\n  " << tr(c.torn_tail ? "evidence.cli.verify.next_torn" : "evidence.cli.verify.next_damaged") << "\n";
    }
    exit_code = rc;
  });
}

}  // namespace

void add_evidence_commands(CLI::App& app, Globals& g, int& exit_code) {
  auto* ev = app.add_subcommand("evidence", tr("evidence.cli.description"));
  ev->require_subcommand(1);
  add_evidence_list(ev, g, exit_code);
  add_evidence_show(ev, g, exit_code);
  add_evidence_add(ev, g, exit_code);
  add_evidence_transfer(ev, g, exit_code);
  add_evidence_seal(ev, g, exit_code);
  add_evidence_storage(ev, g, exit_code);
  add_evidence_label(ev, g, exit_code);
  add_evidence_custody_form(ev, g, exit_code);
  add_evidence_register(ev, g, exit_code);
  add_evidence_verify(ev, g, exit_code);
}

}  // namespace shodo::cli
