#!/usr/bin/env python3
"""A synthetic archive of plain-text committee minutes that Minutebook's real parser reads.

Usage:
    python bench/synthetic.py N OUT_DIR [--seed 1] [--expected EXPECTED.json]

Writes N meeting documents (``.txt``) into OUT_DIR, in the plain-minutes layout of
``content/000_70d8d57eafc0b373.txt``: a council line, "Minutes of a meeting of the
<Committee> held on <Weekday> <d> <Month> <yyyy> at <time> at <venue>", a Present list,
apologies, officers with job titles, 6-10 numbered items with "Resolved:" decisions and,
now and then, a Part II exempt item after "Exclusion of the Press and Public".

Everything comes from one seeded ``random.Random``: the same N, seed and seed documents
give byte-identical files.  Item text recombines the prose paragraphs of the five seed
documents in ``content/`` (with their people's names taken out) and a topic vocabulary
with slots (places, roads, sums, percentages, quarters), so that common words (risk,
register, budget, care) occur everywhere and rare words (village names in planning
applications, double-barrelled surnames, project names) answer selectively.

The archive is fiction: Wyreshire County Council, its councillors and officers are
invented ("Lancashire" and "Preston" in recombined seed prose become "Wyreshire" and
"Wyreford").

Shape of the archive:
* 15 principal committees (Cabinet, Planning Committee, Audit and Governance Committee,
  Children's Services Scrutiny Committee, ...).  Each meets 6-8 times a year on
  weekdays, at most once a day.
* Years are filled from the newest (2026, up to October) backwards until there are N
  meetings, so 100 meetings is about one year and 1,000 about ten.  The 22 years
  2005-2026 of 15 committees hold about 2,300 meetings; above that, area committees and
  sub-committees are added (as a real county's archive has) so each body still meets
  6-8 times a year: 10,000 meetings is 2005-2026 across about 65 bodies.
* A pool of about 400 councillors, elected in 2005, 2009, ... 2025 (about half re-elected
  each time), sit on committees for a four-year term; people recur across years.  About
  60 officers with job titles present reports.
* ``QUERY_SURNAME`` (Fazackerley) is a councillor on Cabinet and Planning in every term,
  so a search for that surname has answers at every size.

``--expected`` also writes the facts each document states, in the format of
``bench/score_fields.py``, to score the parser against:
    python bench/score_fields.py EXPECTED.json SITE/data/meetings.json
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import random
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SEEDS = (
    "000_70d8d57eafc0b373.txt",
    "001_c088a57cab7b8c93.txt",
    "002_ea2e453e723765dc.txt",
    "003_00d6487a98f72f3b.txt",
    "004_58e9679888508d11.txt",
)
COUNCIL = "Wyreshire County Council"
TOWN = "Wyreford"
FIRST_YEAR, LAST_YEAR = 2005, 2026
LAST_DATE = dt.date(2026, 10, 30)
ELECTIONS = (2005, 2009, 2013, 2017, 2021, 2025)
ELECTION_DAY = {y: dt.date(y, 5, 5) for y in ELECTIONS}
MIN_BYTES = 5000
"""Documents shorter than this get more discussion in their substantive items."""
QUERY_SURNAME = "Fazackerley"
"""A councillor surname that exists at every archive size (for search benchmarks)."""
RARE_PROJECT = "Kittiwake"
"""A project codename used in a few Cabinet items only."""

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December")

# --- vocabulary ----------------------------------------------------------------------------

FIRST_NAMES = (
    "Adam", "Alan", "Alison", "Andrew", "Angela", "Anne", "Anthony", "Barbara", "Barry", "Bernard", "Beverley",
    "Brian", "Carol", "Caroline", "Catherine", "Christine", "Christopher", "Clare", "Colin", "Daniel", "Deborah",
    "Denise", "Derek", "Diane", "Edward", "Eileen", "Elaine", "Elizabeth", "Emma", "Eric", "Fiona", "Frank",
    "Gary", "Gillian", "Gordon", "Graham", "Hannah", "Harold", "Helen", "Ian", "Irene", "Jacqueline", "James",
    "Janet", "Jean", "Jeremy", "Joan", "John", "Jonathan", "Joseph", "Joyce", "Julie", "Karen", "Kathleen",
    "Kenneth", "Kevin", "Lesley", "Linda", "Lorraine", "Louise", "Malcolm", "Margaret", "Marion", "Martin",
    "Maureen", "Nicholas", "Nigel", "Norman", "Olivia", "Pamela", "Patricia", "Peter", "Philip", "Rachel",
    "Raymond", "Rebecca", "Robert", "Roger", "Ronald", "Rosemary", "Ruth", "Samuel", "Sandra", "Shaun", "Sheila",
    "Simon", "Stuart", "Susan", "Terence", "Thomas", "Timothy", "Trevor", "Valerie", "Vivien", "Wendy", "William",
    "Yvonne", "Zoe", "Asif", "Farida", "Imran", "Nadeem", "Razia", "Salim", "Shabana", "Tariq", "Yasmin",
)
SURNAMES = (
    "Ackroyd", "Ainscough", "Ainsworth", "Alston", "Anderton", "Appleby", "Armistead", "Ashcroft", "Ashton",
    "Aspinall", "Atherton", "Bamber", "Banks", "Barlow", "Barnes", "Barraclough", "Battersby", "Baxendale",
    "Beardsworth", "Bentham", "Berry", "Bibby", "Billington", "Birtwistle", "Blackburn", "Blackledge", "Blezard",
    "Bolton", "Booth", "Boothman", "Bradshaw", "Brindle", "Briscoe", "Brockbank", "Bromley", "Broughton",
    "Bulcock", "Burgess", "Burrow", "Butterworth", "Calvert", "Carr", "Catterall", "Chadwick", "Chew", "Clegg",
    "Clitheroe", "Cockerill", "Collinge", "Cookson", "Coupe", "Cowell", "Crabtree", "Critchley", "Crossley",
    "Cunliffe", "Dewhurst", "Dickinson", "Dobson", "Duckworth", "Earnshaw", "Eastham", "Eccles", "Edmondson",
    "Entwistle", "Farnworth", "Fairclough", "Fielding", "Fishwick", "Fletcher", "Forshaw", "Fothergill",
    "Garside", "Gaskell", "Gledhill", "Goodier", "Greenhalgh", "Greenwood", "Gregson", "Grimshaw", "Haddock",
    "Halliwell", "Halstead", "Hargreaves", "Harrison", "Haslam", "Hatch", "Haworth", "Heaton", "Heys", "Higson",
    "Hindle", "Hodgkinson", "Holden", "Holgate", "Hollinshead", "Horrocks", "Houghton", "Howarth", "Hulme",
    "Ingham", "Isherwood", "Jackson", "Jolly", "Kay", "Kenyon", "Kershaw", "Kirkham", "Knowles", "Lawson",
    "Leach", "Leyland", "Livesey", "Lomax", "Lonsdale", "Lowe", "Marsden", "Mather", "Mawdsley",
    "Metcalfe", "Mercer", "Mitchell", "Molyneux", "Moorhouse", "Nuttall", "Ogden", "Ormerod", "Ormrod",
    "Parkinson", "Pemberton", "Pickup", "Pilkington", "Pilling", "Platt", "Pollard", "Pomfret", "Preece",
    "Procter", "Radcliffe", "Ramsbottom", "Rawcliffe", "Rawlinson", "Riley", "Rishton", "Rimmer", "Robinson",
    "Rothwell", "Rushton", "Sagar", "Scholes", "Seddon", "Sharples", "Shorrock", "Simm", "Singleton", "Slater",
    "Smalley", "Sowerbutts", "Stansfield", "Starkie", "Stott", "Sumner", "Sutcliffe",
    "Swarbrick", "Tattersall", "Thistlethwaite", "Threlfall", "Tomlinson", "Towers", "Townley", "Trafford",
    "Turton", "Tyldesley", "Unsworth", "Varley", "Walmsley", "Warburton", "Wareing", "Whalley", "Whiteside",
    "Whittaker", "Whitworth", "Wilcock", "Wilkinson", "Winstanley", "Worden", "Worsley", "Yates", "Abbas",
    "Ahmed", "Akhtar", "Ali", "Bashir", "Hussain", "Iqbal", "Mahmood", "Malik", "Patel", "Qureshi", "Rashid",
    "Shah", "Siddiqui", "Mistry", "Desai", "Chauhan", "Okafor", "Mensah", "Kowalski", "Nowak", "Murphy",
    "O'Brien", "O'Connor", "McAllister", "McGuinness", "Gallagher", "Doherty", "Flanagan", "Kavanagh", "Quinlan",
    "Rafferty", "Devlin", "MacKenzie", "Sinclair", "Cameron", "Drummond", "Urquhart", "Pritchard", "Llewellyn",
    "Prosser", "Vaughan", "Bevan", "Rees", "Gwilliam", "Penhaligon", "Trelawney", "Tregear", "Pengelly",
    "Quayle", "Kermode", "Corlett", "Faragher", "Kinvig", "Sayle", "Cregeen", "Oddie", "Pinder", "Thwaites",
    "Raistrick", "Lambert", "Pickles", "Sugden", "Hepworth", "Barrowclough", "Ibbotson", "Mellor", "Tetlow",
    "Ogle", "Henshaw", "Pownall", "Kilshaw", "Cheetham", "Cottam", "Dunderdale", "Gornall", "Hothersall",
    "Iddesleigh", "Jowett", "Nutter", "Roscow", "Tennant", "Wolstenholme", "Wrigley",
    "Adams", "Allsop", "Arkwright", "Atkins", "Bailey", "Barker", "Bennett", "Bird", "Boardman", "Bramwell",
    "Brennan", "Buckingham", "Bullough", "Cartwright", "Chapman", "Coates", "Cooper", "Crowther", "Dalton",
    "Davies", "Dawson", "Dixon", "Eaves", "Ellis", "Evans", "Fenton", "Foster", "Gibson", "Goodwin", "Gray",
    "Hamer", "Hartley", "Hewitt", "Hilton", "Hodgson", "Holt", "Hopkinson", "Hughes", "Hutchinson", "Jarvis",
    "Jenkinson", "Kelly", "Kirby", "Lees", "Lofthouse", "Lynch", "Marshall", "Mason", "Matthews", "Maudsley",
    "Mossop", "Naylor", "Nelson", "Newton", "Norris", "Oldham", "Parker", "Pearson", "Phillips",
    "Porter", "Pratt", "Quigley", "Ratcliffe", "Redman", "Rhodes", "Roberts", "Rogerson", "Ross", "Rowley",
    "Shackleton", "Shaw", "Simpson", "Stevenson", "Stubbs", "Sykes", "Taylor", "Thornber", "Thorpe",
    "Wadsworth", "Walker", "Watson", "Webster", "Wharton", "Whitehead", "Wilde", "Woodcock", "Wright",
    "Ashurst", "Birch", "Bowker", "Brierley", "Challinor", "Culshaw", "Dugdale", "Fairhurst", "Gorton",
    "Hesketh", "Jagger", "Latham", "Makin", "Orrell", "Prescott", "Rigby", "Sefton", "Tootell", "Wignall",
)
OFFICER_TITLES = (
    "Chief Executive", "Director of Finance", "Director of Children's Services", "Director of Adult Social Care",
    "Director of Public Health", "Head of Democratic Services", "Head of Legal Services", "Head of Internal Audit",
    "Head of Highways", "Head of Waste Management", "Head of Libraries", "Head of Planning",
    "Principal Planning Officer", "Senior Planning Officer", "Head of Business Intelligence",
    "Head of Customer Access", "Head of Schools Improvement", "Head of Transport Planning", "Head of Estates",
    "Senior Solicitor", "Flood Risk Manager", "Head of Pensions", "Treasury Manager", "Chief Investment Officer",
    "Head of Corporate Finance", "Head of Safeguarding", "Head of Fostering", "Head of Commissioning",
    "Democratic Services Officer", "Head of Public Rights of Way", "Licensing Manager", "Monitoring Officer",
)
PLACE_HEADS = ("Ash", "Brad", "Hollin", "Thorn", "Kirk", "Whit", "Gold", "Bar", "Cross", "Har", "Mel", "Ingle",
               "Sal", "Ribb", "Hest", "Lang", "Walm", "Bick", "Cal", "Dun", "Eller", "Fen", "Grims", "Hal",
               "Lit", "Mos", "Nether", "Oak", "Pen", "Quern", "Roth", "Stan", "Tod", "Up", "Wad", "Yeal")
PLACE_TAILS = ("thwaite", "ton", "ley", "by", "ham", "worth", "field", "den", "holme", "shaw", "bridge", "stead",
               "dale", "wick", "cote", "side")
DISTRICTS = ("Wyreford", "Amberley", "Calderside", "Fellbrook", "Hodderton", "Kentmere Vale", "Lunesdale",
             "Marshside", "Pendlebury", "Ribbleton Moss", "Saltcotes", "Tarnbrook")
ROAD_TAILS = ("Lane", "Road", "Street", "Brow", "Moss Lane", "New Road", "Mill Lane", "Station Road", "Fold",
              "Green Lane", "Hall Lane", "Back Lane")
DEVELOPMENTS = (
    "the extension of an existing sand and gravel quarry", "a household waste recycling centre",
    "a new primary school with associated parking", "the erection of a two-form entry school building",
    "a solar farm and battery storage facility", "a waste transfer station", "an anaerobic digestion plant",
    "the variation of conditions on a landfill site", "a new link road and roundabout",
    "the change of use of a library to a community hub", "a park and ride facility",
    "the restoration of a former clay pit", "a highways depot and salt barn", "a special school extension",
)
VENUES = (
    "Committee Room A, County Hall, Wyreford", "Committee Room B - The Jubilee Room, County Hall, Wyreford",
    "Council Chamber, County Hall, Wyreford", "Cabinet Room 'C' - The Pendle Room, County Hall, Wyreford",
    "Committee Room D, County Hall, Wyreford",
)
TIMES = ("9.30 am", "10.00 am", "10.30 am", "11.00 am", "1.00 pm", "2.00 pm", "2.30 pm", "6.00 pm", "6.30 pm")


@dataclass(frozen=True)
class Body:
    name: str
    topics: tuple[str, ...]
    officers: tuple[str, ...]  # job titles whose holders attend
    size: int  # members per term
    time: str
    venue: str
    area: str | None = None


PRINCIPAL = (
    Body("Cabinet", ("budget", "council_tax", "highways", "libraries", "waste", "strategy", "brexit", "project",
                     "children", "adults"),
         ("Chief Executive", "Director of Finance", "Monitoring Officer"), 10, "10.00 am",
         "Cabinet Room 'C' - The Pendle Room, County Hall, Wyreford"),
    Body("Planning Committee", ("planning", "planning", "planning", "rights_of_way"),
         ("Head of Planning", "Principal Planning Officer", "Senior Solicitor"), 14, "10.30 am",
         "Council Chamber, County Hall, Wyreford"),
    Body("Development Control Committee", ("planning", "planning", "minerals"),
         ("Head of Planning", "Senior Planning Officer", "Senior Solicitor"), 12, "10.30 am",
         "Committee Room A, County Hall, Wyreford"),
    Body("Audit and Governance Committee", ("risk", "audit", "accounts", "treasury", "brexit"),
         ("Head of Internal Audit", "Director of Finance", "Monitoring Officer"), 10, "2.00 pm",
         "Committee Room B - The Jubilee Room, County Hall, Wyreford"),
    Body("Cabinet Committee on Performance Improvement", ("performance", "risk", "customer", "children"),
         ("Head of Business Intelligence", "Head of Customer Access", "Head of Legal Services"), 6, "2.00 pm",
         "Cabinet Room 'C' - The Pendle Room, County Hall, Wyreford"),
    Body("Children's Services Scrutiny Committee", ("children", "schools", "send", "ofsted"),
         ("Director of Children's Services", "Head of Safeguarding", "Head of Fostering"), 12, "10.00 am",
         "Committee Room A, County Hall, Wyreford"),
    Body("Adult Social Care Scrutiny Committee", ("adults", "health", "performance"),
         ("Director of Adult Social Care", "Head of Commissioning"), 12, "10.30 am",
         "Committee Room B - The Jubilee Room, County Hall, Wyreford"),
    Body("Health and Wellbeing Board", ("health", "adults", "children"),
         ("Director of Public Health", "Director of Adult Social Care"), 8, "1.00 pm",
         "Committee Room D, County Hall, Wyreford"),
    Body("Highways and Transport Committee", ("highways", "highways", "transport", "flooding"),
         ("Head of Highways", "Head of Transport Planning"), 10, "10.00 am",
         "Committee Room A, County Hall, Wyreford"),
    Body("Environment and Communities Scrutiny Committee", ("waste", "libraries", "flooding", "fly_tipping"),
         ("Head of Waste Management", "Head of Libraries", "Flood Risk Manager"), 12, "2.00 pm",
         "Committee Room D, County Hall, Wyreford"),
    Body("Budget Scrutiny Working Group", ("budget", "council_tax", "treasury"),
         ("Director of Finance", "Head of Corporate Finance"), 8, "2.00 pm",
         "Committee Room D, County Hall, Wyreford"),
    Body("Pension Fund Committee", ("pensions", "treasury", "audit"),
         ("Head of Pensions", "Chief Investment Officer", "Treasury Manager"), 9, "10.30 am",
         "Committee Room B - The Jubilee Room, County Hall, Wyreford"),
    Body("Regulatory Committee", ("rights_of_way", "licensing", "minerals"),
         ("Head of Public Rights of Way", "Licensing Manager", "Senior Solicitor"), 10, "2.00 pm",
         "Committee Room A, County Hall, Wyreford"),
    Body("Schools Forum", ("schools", "send", "budget"),
         ("Head of Schools Improvement", "Head of Corporate Finance"), 10, "9.30 am",
         "Committee Room D, County Hall, Wyreford"),
    Body("Standards Committee", ("standards", "audit"),
         ("Monitoring Officer", "Head of Democratic Services"), 7, "2.30 pm",
         "Committee Room B - The Jubilee Room, County Hall, Wyreford"),
)
AREA_KINDS = (
    ("{area} Area Committee", ("highways", "libraries", "fly_tipping", "flooding"), ("Head of Highways",), 8),
    ("{area} Area Planning Sub-Committee", ("planning", "planning", "rights_of_way"),
     ("Senior Planning Officer",), 7),
    ("{area} Local Children's Partnership Board", ("children", "schools", "send"), ("Head of Safeguarding",), 7),
    ("{area} Highways Advisory Panel", ("highways", "transport"), ("Head of Transport Planning",), 7),
    ("{area} Health and Care Forum", ("adults", "health"), ("Head of Commissioning",), 7),
)

# Topic vocabulary: item titles and sentence templates with {slots}; seed paragraphs are added by keyword.
TOPICS: dict[str, dict[str, tuple[str, ...]]] = {
    "budget": {
        "titles": ("Revenue Budget Monitoring {fy} Quarter {q}", "Medium Term Financial Strategy {fy}",
                   "Capital Programme Monitoring {fy}", "Money Matters: The {fy} Financial Position",
                   "Budget Savings Proposals {fy}"),
        "text": ("The forecast outturn for {fy} showed an underspend of £{m}m against the revenue budget of £{big}m.",
                 "Members were advised that savings of £{m}m had been delivered against the target of £{m2}m, "
                 "with the remaining savings at risk in adult social care and home to school transport.",
                 "The Committee noted that the funding gap for the medium term had increased to £{m}m, "
                 "largely as a result of inflation in demand-led services.",
                 "It was reported that reserves stood at £{m}m, of which £{m2}m was earmarked for transitional "
                 "costs.",
                 "Questions were raised about capital slippage on the {place} schemes, and it was confirmed that "
                 "the programme would be re-profiled in the next quarterly report."),
        "keys": ("budget", "savings", "revenue", "financial", "funding", "reserves"),
    },
    "council_tax": {
        "titles": ("Council Tax Base {fy}", "Budget and Council Tax {fy}", "Council Tax Support Scheme {fy}",
                   "Council Tax Precept and Collection Fund {fy}"),
        "text": ("It was proposed that council tax for {fy} increase by {pct1}%, of which 2% would be the adult "
                 "social care precept.",
                 "The council tax base had grown by {pct1}% to {n} Band D equivalent properties, reflecting new "
                 "housing in {place} and {place2}.",
                 "Members asked about the collection rate for council tax in {district}, which had fallen to "
                 "{pct}% during the year.",
                 "The Committee noted that the council tax support scheme would protect {n2} working age households "
                 "on the lowest incomes."),
        "keys": ("council tax",),
    },
    "highways": {
        "titles": ("Highways Maintenance Programme {fy}", "Highways Asset Management Plan",
                   "Pothole Repairs and Road Condition Report", "Winter Gritting Service Review",
                   "Street Lighting Replacement Programme", "Proposed Traffic Regulation Order: {road}, {place}"),
        "text": ("The Head of Highways reported that {n2} potholes had been repaired in the quarter, {pct}% of them "
                 "within the target time.",
                 "Members raised concerns about the condition of {road} in {place}, which had been resurfaced in "
                 "part only.",
                 "The objections to the proposed waiting restrictions on {road}, {place}, were summarised and the "
                 "Committee considered the views of the local member.",
                 "It was confirmed that {n3} miles of carriageway would be resurfaced this year and that the gritting "
                 "fleet had been replaced.",
                 "The Highways Asset Management System was now in use across all depots and training was ongoing."),
        "keys": ("highway", "road", "pothole", "gritting", "carriageway"),
    },
    "transport": {
        "titles": ("Local Transport Plan Implementation", "Bus Service Improvement Plan",
                   "Home to School Transport Policy", "Concessionary Travel Scheme Review"),
        "text": ("Patronage on the supported bus network had recovered to {pct}% of the previous level, and the "
                 "{place} to {place2} service would be retendered.",
                 "The Committee discussed the cost of home to school transport, which had risen by {pct1}% in a year.",
                 "It was reported that {n2} concessionary passes had been renewed and that the online application "
                 "process had reduced waiting times."),
        "keys": ("bus", "transport", "travel"),
    },
    "libraries": {
        "titles": ("Library Service Review", "Libraries and Museums Performance Report",
                   "Future of {place} Library", "Library Opening Hours Consultation",
                   "Community Managed Libraries Update"),
        "text": ("Members were informed that visits to libraries had increased by {pct1}% and that the summer "
                 "reading challenge had attracted {n2} children.",
                 "The consultation on the future of {place} Library had received {n2} responses, most of which opposed "
                 "a reduction in opening hours.",
                 "It was confirmed that {place2} Library would transfer to a community group from {month}, with a "
                 "grant of £{k},000 towards running costs.",
                 "The libraries and museums service had introduced e-book lending and free computer sessions for "
                 "job seekers."),
        "keys": ("librar", "museum"),
    },
    "waste": {
        "titles": ("Waste Management Strategy", "Household Waste Recycling Centres Review",
                   "Waste Disposal Contract Performance", "Recycling Rates Quarter {q} {fy}"),
        "text": ("The recycling rate for the quarter was {pct}%, and residual waste tonnages had fallen by {pct1}%.",
                 "Members discussed the proposal to reduce opening days at the {place} household waste recycling "
                 "centre and asked for the impact on fly-tipping to be monitored.",
                 "It was reported that the waste disposal contract with {firm} had been extended to {year2}.",
                 "Food waste collections would be introduced in {district} from {month}, in line with national "
                 "requirements."),
        "keys": ("waste", "recycling", "tonnage"),
    },
    "fly_tipping": {
        "titles": ("Fly-tipping Enforcement Update", "Environmental Crime Report"),
        "text": ("There had been {n2} reported incidents of fly-tipping in {district} during the year, with "
                 "{n3} fixed penalty notices issued.",
                 "Members welcomed the use of covert cameras at fly-tipping hotspots in {place} and {place2}."),
        "keys": ("fly-tipping", "tipping"),
    },
    "flooding": {
        "titles": ("Flood Risk Management Update", "Flooding in {place}: Section 19 Investigation",
                   "Surface Water Management Plan"),
        "text": ("Following the flooding of {n3} properties in {place}, a section 19 investigation had identified "
                 "blocked culverts on {road} as a contributing factor.",
                 "The Flood Risk Manager reported that £{k},000 had been secured for natural flood management in "
                 "the upper {place2} catchment."),
        "keys": ("flood", "culvert", "drainage"),
    },
    "risk": {
        "titles": ("Corporate Risk and Opportunity Register Quarter {q}", "Risk Register Quarter {q} Report",
                   "Risk Management Framework Review", "Corporate Risk Register {fy}"),
        "text": ("There had been one addition (CR{cr}) and one deletion (CR{cr2}) to the corporate risk register "
                 "since the last report.",
                 "The residual risk score for cyber security had increased to {score}, and members asked for a "
                 "briefing on the mitigating actions.",
                 "It was confirmed that risks with a residual score above 12 would be reported to every meeting "
                 "of the Committee.",
                 "Members noted the risk and opportunity register and the new risk on recruitment and retention "
                 "of social workers."),
        "keys": ("risk", "register"),
    },
    "audit": {
        "titles": ("Internal Audit Progress Report", "Internal Audit Annual Report {fy}",
                   "External Audit Findings Report {fy}", "Annual Governance Statement {fy}",
                   "Counter Fraud Annual Report"),
        "text": ("The Head of Internal Audit reported that {pct}% of the audit plan had been completed and that "
                 "{n3} audits had received limited assurance.",
                 "Members asked about the limited assurance opinion on the {place} depot stores and were advised "
                 "that a follow-up audit had been scheduled.",
                 "The external auditor, {firm}, expected to issue an unqualified opinion on the accounts for {fy}.",
                 "The counter fraud team had recovered £{k},000 in the year, mainly from blue badge and direct "
                 "payment misuse."),
        "keys": ("audit", "assurance", "governance"),
    },
    "accounts": {
        "titles": ("Statement of Accounts {fy}", "Letter of Representation {fy}"),
        "text": ("The draft statement of accounts for {fy} had been published for public inspection on {date}.",
                 "It was reported that the valuation of the pension liability had changed the balance sheet by "
                 "£{m}m."),
        "keys": ("accounts", "balance sheet"),
    },
    "treasury": {
        "titles": ("Treasury Management Strategy {fy}", "Treasury Management Activity Quarter {q}",
                   "Investment Strategy {fy}"),
        "text": ("Borrowing at the end of the quarter was £{big}m, within the authorised limit, and investment "
                 "returns averaged {pct2}%.",
                 "The Treasury Manager explained the approach to borrowing from the Public Works Loan Board."),
        "keys": ("treasury", "borrowing", "investment"),
    },
    "strategy": {
        "titles": ("Corporate Strategy {fy}", "Economic Development Strategy", "Digital Strategy",
                   "Climate Change Action Plan", "Workforce Strategy"),
        "text": ("The Corporate Strategy set out the council's priorities for {fy} to {year2}, with a suite of key "
                 "performance indicators to monitor delivery.",
                 "Members welcomed the target of net zero carbon emissions from council buildings by {year2}.",
                 "The economic development strategy identified {place} and {place2} as priority areas for "
                 "regeneration funding."),
        "keys": ("strategy", "priorities", "carbon"),
    },
    "project": {
        "titles": (f"Project {RARE_PROJECT}: {{place}} Regeneration", "Property Rationalisation Programme"),
        "text": (f"Project {RARE_PROJECT} would bring the former mill site at {{place}} back into use, with {{n3}} "
                 "new homes and a business centre.",
                 "The property rationalisation programme would release {n3} surplus buildings, including the old "
                 "{place} offices."),
        "keys": ("property", "regeneration"),
    },
    "brexit": {
        "titles": ("Brexit Preparedness", "Implications of the UK Leaving the European Union",
                   "EU Exit: Impact on Council Services"),
        "text": ("Members requested further information on the potential impact of Brexit on EU funding for "
                 "projects in {place} and {place2}.",
                 "The Brexit readiness group had reviewed supply chains for food, fuel and medicines, and the "
                 "risk register had been updated.",
                 "It was reported that {n3} EU nationals employed by the council had applied to the EU Settlement "
                 "Scheme."),
        "keys": ("brexit", "european union", "eu ", "no-deal", "withdrawal"),
    },
    "performance": {
        "titles": ("Quarterly Corporate Performance Monitoring Report Quarter {q} {fy}",
                   "Quarterly Performance Summary Report", "Key Performance Indicators {fy}"),
        "text": ("The report showed {n3} of the {n4} key performance indicators on target, with delayed transfers "
                 "of care and assessment waiting times rated red.",
                 "In relation to the customer satisfaction figures, members asked how the results were rated, and "
                 "it was agreed that the methodology would be circulated."),
        "keys": ("performance", "indicator", "quarter"),
    },
    "customer": {
        "titles": ("Customer Access Performance Report", "Customer Contact Strategy"),
        "text": ("Calls answered within the target time had risen to {pct}%, and {n2} blue badge applications had "
                 "been processed.",
                 "Members were advised that the new telephony platform had reduced abandoned calls by {pct1}%."),
        "keys": ("customer", "blue badge", "contact"),
    },
    "children": {
        "titles": ("Children's Services Improvement Plan", "Looked After Children Annual Report",
                   "Child Sexual Exploitation Update", "Fostering Service Annual Report",
                   "Children's Social Care Workforce Report", "Ofsted Post Inspection Update"),
        "text": ("The number of children looked after had risen to {n2}, and {n3} new foster carers had been "
                 "approved during the year.",
                 "The Director of Children's Services reported that caseloads had reduced to an average of "
                 "{n5} per social worker.",
                 "Members discussed placement sufficiency and the use of residential placements outside {district}.",
                 "The improvement plan for children's services had {n3} actions, of which most were on track."),
        "keys": ("child", "looked after", "foster", "social worker", "ofsted", "adoption"),
    },
    "ofsted": {
        "titles": ("Ofsted Inspection of Children's Services", "Ofsted Monitoring Visit Outcome"),
        "text": ("The Ofsted monitoring visit in {month} had focused on care leavers and children in need.",
                 "It was reported that Ofsted had judged services for children in {district} to require "
                 "improvement, with leadership rated good."),
        "keys": ("ofsted",),
    },
    "schools": {
        "titles": ("School Places Planning {fy}", "Educational Attainment Report {year}",
                   "Schools Budget {fy}", "Proposed Expansion of {place} Primary School"),
        "text": ("The number of primary school places needed in {place} would rise by {n3} by {year2}.",
                 "Attainment at key stage 2 in {district} was {pct}%, against {pct3}% nationally.",
                 "Members discussed the proposal to expand {place} Primary School from {month}, and the "
                 "governors' response to the consultation."),
        "keys": ("school", "pupil", "attainment", "key stage", "ks2", "ks4"),
    },
    "send": {
        "titles": ("Special Educational Needs and Disabilities Update", "High Needs Block Recovery Plan"),
        "text": ("Education, health and care plans completed within 20 weeks had improved to {pct}%.",
                 "The high needs block deficit was £{m}m, and a recovery plan had been submitted to the Department "
                 "for Education."),
        "keys": ("send", "special educational", "high needs"),
    },
    "adults": {
        "titles": ("Adult Social Care Winter Pressures", "Delayed Transfers of Care",
                   "Adult Social Care Market Position Statement", "Homecare Framework Mobilisation",
                   "Carers Strategy"),
        "text": ("Delayed transfers of care attributable to social care had fallen by {pct1}% over the winter.",
                 "The homecare framework had {n3} providers, and {n2} hours of care were delivered each week.",
                 "Members asked about occupational therapy assessment waiting times in {district} and were told "
                 "that they had reduced to {n5} days.",
                 "Reablement services had supported {n2} people aged 65 and over after discharge from hospital."),
        "keys": ("adult", "care", "homecare", "reablement", "delayed transfers", "hospital"),
    },
    "health": {
        "titles": ("Joint Strategic Needs Assessment", "Public Health Annual Report {year}",
                   "NHS Health Check Programme", "Healthy Weight Strategy", "Integrated Care Partnership Update"),
        "text": ("Uptake of the NHS Health Check programme was {pct}% among eligible adults aged 40 to 74.",
                 "The Director of Public Health highlighted the gap in life expectancy between {place} and "
                 "{place2}, which was {n5} years.",
                 "The Board discussed smoking in pregnancy, which remained above the national average in "
                 "{district}."),
        "keys": ("health", "nhs", "wellbeing", "smoking", "life expectancy"),
    },
    "pensions": {
        "titles": ("Pension Fund Investment Performance Quarter {q}", "Pension Fund Valuation {year}",
                   "Responsible Investment Policy", "Pension Fund Administration Report"),
        "text": ("The fund value at the end of the quarter was £{big}m, a return of {pct2}% against the benchmark.",
                 "The actuary reported a funding level of {pct}% at the triennial valuation.",
                 "Members discussed the fund's exposure to fossil fuels and the responsible investment policy."),
        "keys": ("pension", "fund", "actuar"),
    },
    "planning": {
        "titles": ("Planning Application {ref}: {dev_title} at {site}, {place}",),
        "text": ("The Committee viewed photographs of the site and a plan showing the proposed access from {road}.",
                 "The highway authority had raised no objection subject to a construction traffic management plan "
                 "limiting HGV movements through {place2} to {n3} a day.",
                 "The Environment Agency and the lead local flood authority had requested conditions on surface "
                 "water drainage to protect the {place} Brook.",
                 "Members asked about the restoration scheme and the aftercare period of {n5} years.",
                 "{place} Parish Council had objected on the grounds of noise, dust and the loss of open countryside.",
                 "The applicant's agent addressed the Committee in support of the application.",
                 "An objector living on {road} spoke against the proposal, citing the effect on residential amenity."),
        "keys": ("planning",),
    },
    "minerals": {
        "titles": ("Minerals and Waste Local Plan Review", "Quarry Monitoring Report: {place} Quarry"),
        "text": ("The monitoring visit to {place} Quarry had found the site operating within its permitted hours.",
                 "The review of the minerals and waste local plan would allocate sites for sand and gravel "
                 "extraction at {place} and {place2}."),
        "keys": ("mineral", "quarry"),
    },
    "rights_of_way": {
        "titles": ("Wildlife and Countryside Act 1981: Footpath {fp}, {place}",
                   "Definitive Map Modification Order: Bridleway {fp}, {place}"),
        "text": ("The Committee considered an application to add a footpath from {road} to {road2} at {place} to "
                 "the definitive map and statement.",
                 "User evidence forms from {n3} people showed use of the route as of right for more than 20 years."),
        "keys": ("footpath", "bridleway", "definitive map"),
    },
    "licensing": {
        "titles": ("Hackney Carriage and Private Hire Licensing Policy", "Street Trading Consent: {place}"),
        "text": ("The revised licensing policy would require safeguarding training for all {n2} licensed drivers.",
                 "Objections to the street trading consent in {place} market place were considered."),
        "keys": ("licens",),
    },
    "standards": {
        "titles": ("Code of Conduct Complaints Update", "Register of Members' Interests Review"),
        "text": ("The Monitoring Officer reported that {n3} complaints had been received under the code of conduct, "
                 "none of which had proceeded to investigation.",
                 "Members were reminded to update their register of interests within 28 days of any change."),
        "keys": ("conduct", "standards", "interests"),
    },
}
EXEMPT_TITLES = (
    "Waste Disposal Contract: Procurement Outcome", "Acquisition of Land at {place}",
    "Disposal of the Former {place} Offices", "Highways Term Maintenance Contract Award",
    "Staffing Matter", "Legal Proceedings: {place} Quarry",
)
FIRMS = ("Fylde Recycling Ltd", "Northern Waste Solutions", "Grant Thornton", "Mazars", "KPMG", "Deloitte",
         "Pennine Environmental", "Moorland Resource Recovery")


# --- seed prose ----------------------------------------------------------------------------

_SEED_NAMES = re.compile(
    r"\b(?:Atkinson|Hatton|Winlow|Crompton|Borrow|O'Toole|Graham|Talbot|Gooch|Khan|Young|Mein|Iddon|Sales|Green|"
    r"Walder|Buckley|Driver|Bond|Cooke|Charles|Turner|Jenkins|Belbin|Crane|Albert|Amanda|Donna|Paul|Sarah|"
    r"Stephen|Richard|Geoff|Jennifer|Keith|Laura|Michael|Tony|David|Councillors?|CC)\b"
)
_UNSAFE = re.compile(r"not for publication|restricted|exempt|schedule 12a|confidential|^part\b|^\d|\t|resolved",
                     re.IGNORECASE)


def seed_paragraphs() -> list[str]:
    """Prose paragraphs of the seed documents, without their people, dates or exempt wording."""
    out: list[str] = []
    for name in SEEDS:
        text = (ROOT / "content" / name).read_text(encoding="utf-8")
        text = re.sub(r"</?AI\d+>", "", text)
        for para in re.split(r"\n\s*\n", text):
            para = " ".join(para.split())
            if not (len(para.split()) >= 12 and len(para) <= 900 and para.endswith(".")):
                continue
            if para.startswith(("-", "·", "•", "(")) or _SEED_NAMES.search(para) or _UNSAFE.search(para):
                continue
            para = para.replace("Lancashire", "Wyreshire").replace("Preston", TOWN)
            if para not in out:
                out.append(para)
    return out


# --- people --------------------------------------------------------------------------------


@dataclass
class Person:
    first: str
    surname: str
    title: str | None = None  # officers' job title

    @property
    def full(self) -> str:
        return f"{self.first} {self.surname}"

    @property
    def initial(self) -> str:
        return f"{self.first[0]} {self.surname}"


@dataclass
class World:
    seed: int
    rng: random.Random
    councillors: list[Person]
    officers: dict[str, list[Person]]  # job title -> holders over time (one per era)
    terms: dict[int, list[int]] = field(default_factory=dict)  # election year -> councillor indexes serving
    places: list[str] = field(default_factory=list)
    paragraphs: dict[str, list[str]] = field(default_factory=dict)
    generic: list[str] = field(default_factory=list)
    brexit_paragraphs: list[str] = field(default_factory=list)


def _surnames(rng: random.Random, n: int, pool: tuple[str, ...] = SURNAMES,
              query: str = QUERY_SURNAME) -> list[str]:
    names = list(pool)
    rng.shuffle(names)
    if query in names:
        names.remove(query)
    out = [query, *names]
    seen = set(out)
    while len(out) < n:  # double-barrelled surnames: rare, searchable words
        a, b = rng.sample(pool, 2)
        if query in (a, b):
            continue
        candidate = f"{a}-{b}"
        if candidate not in seen:
            seen.add(candidate)
            out.append(candidate)
    return out[:n]


def make_world(seed: int, first_names: tuple[str, ...] = FIRST_NAMES, surnames_pool: tuple[str, ...] = SURNAMES,
               query_surname: str = QUERY_SURNAME) -> World:
    """The council: councillors and their terms, officers, places, and the seed prose sorted by topic.

    The name pools and the surname that sits on Cabinet and Planning in every term can be
    given (bench/make_archive.py mixes the seeds' own names in)."""
    rng = random.Random(seed)
    n_councillors, n_officers = 400, 70
    surnames = _surnames(rng, n_councillors + n_officers, surnames_pool, query_surname)
    people = [Person(rng.choice(first_names), s) for s in surnames]
    # Officers get plain surnames; councillors the rest, double-barrelled ones spread through the pool.
    officer_people = people[1 : 1 + n_officers]
    rest = people[1 + n_officers :]
    rng.shuffle(rest)
    councillors = [people[0], *rest]
    officers: dict[str, list[Person]] = {}
    pool = list(officer_people)
    for title in OFFICER_TITLES:  # two holders per post over the years
        holders = [pool.pop(), pool.pop()] if len(pool) >= 2 else [rng.choice(officer_people)]
        for holder in holders:
            holder.title = title
        officers[title] = holders
    world = World(seed, rng, councillors, officers)
    # Elections: 100 seats, about half re-elected each time, QUERY_SURNAME always.
    serving: list[int] = [0, *rng.sample(range(1, 180), 99)]
    for year in ELECTIONS:
        if year != ELECTIONS[0]:
            kept = [i for i in serving if i == 0 or rng.random() < 0.5]
            fresh = [i for i in range(1, n_councillors) if i not in kept]
            serving = kept + rng.sample(fresh, 100 - len(kept))
        world.terms[year] = sorted(serving)
    places: list[str] = []
    for head in PLACE_HEADS:
        for tail in PLACE_TAILS:
            places.append(head + tail)
    rng.shuffle(places)
    world.places = places
    # Seed paragraphs sorted into topics by keyword; Brexit prose only in 2016-2020.
    for para in seed_paragraphs():
        low = para.lower()
        if any(k in low for k in TOPICS["brexit"]["keys"]) or "deal" in low:
            world.brexit_paragraphs.append(para)
            continue
        matched = [t for t, spec in TOPICS.items() if t != "brexit" and any(k in low for k in spec["keys"])]
        if matched:
            for topic in matched:
                world.paragraphs.setdefault(topic, []).append(para)
        else:
            world.generic.append(para)
    return world


def serving_term(date: dt.date) -> int:
    return max(y for y in ELECTIONS if ELECTION_DAY[y] <= date) if date >= ELECTION_DAY[ELECTIONS[0]] else ELECTIONS[0]


def officer_for(world: World, title: str, date: dt.date) -> Person:
    holders = world.officers[title]
    return holders[0] if date.year < 2016 or len(holders) == 1 else holders[1]


# --- schedule --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Meeting:
    body: Body
    date: dt.date
    time: str
    venue: str


def bodies_for(n: int, rng: random.Random) -> list[Body]:
    """15 principal committees; above 15 x 7 x 22 meetings, area bodies so each meets 6-8 times a year."""
    years = LAST_YEAR - FIRST_YEAR + 1
    needed = max(len(PRINCIPAL), math.ceil(n / (7 * years)))
    bodies = list(PRINCIPAL)
    areas = [(kind, area) for area in DISTRICTS for kind in AREA_KINDS]
    for kind, area in areas[: needed - len(bodies)]:
        name, topics, officers, size = kind
        bodies.append(Body(name.format(area=area), topics, officers, size, rng.choice(TIMES),
                           f"{rng.choice(('Council Chamber', 'Committee Room 1', 'Main Hall'))}, "
                           f"{area} {rng.choice(('Town Hall', 'Civic Centre', 'Library', 'Area Office'))}", area))
    return bodies


def schedule(n: int, rng: random.Random) -> list[Meeting]:
    """N meetings: whole years from the newest backwards, the earliest year cut to fit."""
    bodies = bodies_for(n, rng)
    by_year: list[list[Meeting]] = []
    total = 0
    for year in range(LAST_YEAR, FIRST_YEAR - 1, -1):
        meetings: list[Meeting] = []
        for body in bodies:
            k = rng.choice((6, 7, 7, 8))
            used: set[dt.date] = set()
            for j in range(k):  # spread over the year, each in its own slot of the calendar
                slot_start = dt.date(year, 1, 8) + dt.timedelta(days=int(j * 350 / k))
                for _ in range(40):
                    day = slot_start + dt.timedelta(days=rng.randrange(max(1, int(350 / k) - 3)))
                    if day.weekday() < 5 and day not in used and day <= LAST_DATE and day.month != 8:
                        break
                else:
                    continue
                used.add(day)
                venue = body.venue if rng.random() < 0.85 else rng.choice(VENUES)
                time = body.time if rng.random() < 0.8 else rng.choice(TIMES)
                meetings.append(Meeting(body, day, time, venue))
        meetings.sort(key=lambda m: (m.date, m.body.name))
        by_year.append(meetings)
        total += len(meetings)
        if total >= n:
            break
    out: list[Meeting] = []
    for meetings in reversed(by_year):
        out.extend(meetings)
    return out[len(out) - n :] if len(out) > n else out


# --- writing ---------------------------------------------------------------------------------


def long_date(d: dt.date, weekday: bool = True, ordinal: bool = False) -> str:
    day = f"{d.day}{_suffix(d.day)}" if ordinal else str(d.day)
    return f"{WEEKDAYS[d.weekday()]} {day} {MONTHS[d.month - 1]} {d.year}" if weekday else \
        f"{day} {MONTHS[d.month - 1]} {d.year}"


def _suffix(day: int) -> str:
    return "th" if 11 <= day <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")


def fin_year(d: dt.date) -> str:
    start = d.year if d.month >= 4 else d.year - 1
    return f"{start}/{(start + 1) % 100:02d}"


class Filler:
    """Fills {slots} in titles and sentences for one meeting."""

    def __init__(self, world: World, meeting: Meeting, rng: random.Random) -> None:
        self.world, self.meeting, self.rng = world, meeting, rng
        self.used: set[str] = set()
        d = meeting.date
        self.fixed = {"fy": fin_year(d), "q": str(((d.month - 4) % 12) // 3 + 1), "year": str(d.year - 1),
                      "year2": str(d.year + rng.randrange(2, 9)), "date": long_date(d - dt.timedelta(days=40), False)}

    def place(self) -> str:
        """A few places are common (the first 20), most are rare."""
        places = self.world.places
        return self.rng.choice(places[:20]) if self.rng.random() < 0.3 else self.rng.choice(places)

    def road(self) -> str:
        return f"{self.rng.choice(SURNAMES + tuple(self.world.places[:60]))} {self.rng.choice(ROAD_TAILS)}"

    def fill(self, template: str) -> str:
        r = self.rng
        values = dict(self.fixed)
        values.update({
            "place": self.place(), "place2": self.place(), "district": r.choice(DISTRICTS), "road": self.road(),
            "road2": self.road(), "pct": str(r.randrange(55, 99)), "pct1": f"{r.randrange(1, 9)}.{r.randrange(10)}",
            "pct2": f"{r.randrange(1, 12)}.{r.randrange(10)}", "pct3": str(r.randrange(55, 80)),
            "m": f"{r.randrange(1, 60)}.{r.randrange(10)}", "m2": f"{r.randrange(20, 90)}.{r.randrange(10)}",
            "big": f"{r.randrange(300, 9000):,}", "k": str(r.randrange(15, 950)),
            "n": f"{r.randrange(200, 450):,}.{r.randrange(10)}",
            "n2": f"{r.randrange(120, 9000):,}", "n3": str(r.randrange(3, 60)), "n4": str(r.randrange(60, 90)),
            "n5": str(r.randrange(5, 30)), "cr": str(r.randrange(1, 40)), "cr2": str(r.randrange(1, 40)),
            "score": str(r.randrange(12, 25)), "month": MONTHS[r.randrange(12)], "firm": r.choice(FIRMS),
            "fp": str(r.randrange(1, 60)), "ref": f"WCC/{self.meeting.date.year}/{r.randrange(1, 999):04d}",
            "site": self.road(), "dev_title": "", "q": self.fixed["q"],
        })
        return template.format(**values)


def _topic_allowed(topic: str, d: dt.date) -> bool:
    if topic == "brexit":
        return dt.date(2016, 3, 1) <= d <= dt.date(2020, 12, 31)
    if topic == "council_tax":
        return d.month in (1, 2, 3, 11, 12)
    return True


def _paragraphs(world: World, filler: Filler, topic: str, k: int) -> list[str]:
    """k paragraphs: topic sentences joined in ones to threes, seed prose on the topic, some generic.

    Nothing is used twice in one meeting (templates count as used once filled).
    """
    rng, used = filler.rng, filler.used
    spec = TOPICS[topic]
    seeds = world.brexit_paragraphs if topic == "brexit" else world.paragraphs.get(topic, [])
    out: list[str] = []
    for _ in range(k):
        roll = rng.random()
        fresh_seeds = [p for p in seeds if p not in used]
        fresh_generic = [p for p in world.generic if p not in used]
        fresh_text = [t for t in spec["text"] if t not in used]
        if roll < 0.45 and fresh_seeds:
            para = rng.choice(fresh_seeds)
            used.add(para)
        elif roll < 0.6 and fresh_generic:
            para = rng.choice(fresh_generic)
            used.add(para)
        elif fresh_text:
            picks = rng.sample(fresh_text, min(len(fresh_text), rng.choice((1, 2, 2, 3))))
            used.update(picks)
            para = " ".join(filler.fill(t) for t in picks)
        elif fresh_seeds or fresh_generic:
            para = rng.choice(fresh_seeds or fresh_generic)
            used.add(para)
        else:
            break
        out.append(para)
    return out


RESOLUTIONS = (
    "That the report be noted.", "That the report and comments be noted.",
    "That the report be noted and a further update be provided to the next meeting.",
    "That the recommendations set out in the report be approved.",
    "That the Committee endorse the proposals set out in the report.",
)


def _resolution(rng: random.Random, filler: Filler, topic: str, body: str) -> list[str]:
    if rng.random() < 0.35:
        noted = "The updated register be noted." if topic == "risk" else "The report be noted."
        parts = [rng.choice((noted, "The comments be noted.")),
                 rng.choice(("A further report be presented to the next meeting.",
                             f"Further information on the position in {filler.place()} be circulated to members.",
                             "The Director be asked to write to the Secretary of State.")),
                 ]
        if rng.random() < 0.4 and body != "Cabinet":
            parts.append("The proposals be referred to Cabinet for decision.")
        numerals = ("i", "ii", "iii", "iv")
        return ["Resolved: That:", ""] + [f"- {numerals[i]}. {p}" for i, p in enumerate(parts)]
    return [f"Resolved: {rng.choice(RESOLUTIONS)}"]


def _planning_item(world: World, filler: Filler, rng: random.Random, members: list[Person],
                   officer: Person) -> tuple[str, list[str]]:
    place, dev = filler.place(), rng.choice(DEVELOPMENTS)
    site = filler.road()
    ref = f"WCC/{filler.meeting.date.year}/{rng.randrange(1, 999):04d}"
    short = dev.replace("the ", "", 1)
    short = short[0].upper() + short[1:]
    title = f"Planning Application {ref}: {short} at {site}, {place}"
    local = rng.choice(members)
    paras = [
        f"{officer.full}, {officer.title}, presented a report on an application for {dev} at {site}, {place}.",
        f"The report set out the consultation responses, including {rng.randrange(2, 240)} letters of objection from "
        f"residents of {place} and {filler.place()}, raising concerns about traffic on {filler.road()}, "
        "noise and dust.",
        f"County Councillor {local.initial}, the local member for {place}, addressed the Committee and asked that "
        f"the hours of operation be restricted.",
    ]
    paras += _paragraphs(world, filler, "planning", rng.randrange(0, 2))
    outcome = rng.choice((
        "That planning permission be granted subject to the conditions set out in the report.",
        "That planning permission be granted subject to the conditions set out in the report and the Update Sheet.",
        "That planning permission be refused for the reasons set out in the report.",
        "That consideration of the application be deferred to allow a site visit.",
    ))
    return title, paras + [f"Resolved: {outcome}"]


def write_meeting(world: World, meeting: Meeting, previous: dt.date | None, following: dt.date | None,
                  rng: random.Random, signer: Person, min_bytes: int = MIN_BYTES) -> tuple[str, dict[str, Any]]:
    body, d = meeting.body, meeting.date
    filler = Filler(world, meeting, rng)
    members = committee_members(world, body, d)
    chair = members[0]
    n_present = min(len(members), rng.randrange(5, 11))
    present = [chair] + rng.sample(members[1:], n_present - 1)
    absent = [m for m in members if m not in present]
    apologies = rng.sample(absent, min(len(absent), rng.choice((0, 0, 1, 1, 2, 3))))
    officer_titles = list(body.officers)
    officers = [officer_for(world, t, d) for t in officer_titles]
    if rng.random() < 0.5:
        extra = officer_for(world, "Democratic Services Officer", d)
        if extra not in officers:
            officers.append(extra)

    lines: list[str] = ["", COUNCIL, ""]
    lines += [f"Minutes of a meeting of the {body.name} held on {long_date(d)} at {meeting.time} at {meeting.venue}",
              ""]
    one_line = rng.random() < 0.3
    if one_line:
        names = [f"{chair.initial} (Chair)"] + [p.initial for p in present[1:]]
        lines += [f"Present: County Councillors {', '.join(names[:-1])} and {names[-1]}", ""]
    else:
        lines += ["Present:", "", f"County Councillor {chair.full} (Chair)", "", "County Councillors", ""]
        lines += [p.initial for p in present[1:]] + [""]
    apologies_in_block = bool(apologies) and rng.random() < 0.5
    if apologies_in_block:
        lines += [f"Apologies: {', '.join('County Councillor ' + p.initial for p in apologies)}", ""]
    lines += ["Officers in attendance:", ""] + [f"{o.full}, {o.title}" for o in officers] + [""]

    items: list[tuple[str, list[str], bool]] = []  # title, body lines, exempt
    # 1. Apologies
    if apologies and not apologies_in_block:
        who = [f"County Councillor {p.initial}" for p in apologies]
        listed = ", ".join(who[:-1]) + (" and " if len(who) > 1 else "") + who[-1]
        apology = [f"Apologies for absence were received from {listed}."]
    elif apologies:
        apology = ["The apologies listed above were noted."]
    else:
        apology = ["There were no apologies for absence."]
    if rng.random() < 0.15 and absent:
        sub = rng.choice([c for c in world_councillors_serving(world, d) if c not in members][:40])
        apology.append(f"It was noted that County Councillor {sub.full} replaced County Councillor "
                       f"{rng.choice(absent).full} for this meeting.")
    items.append(("Apologies for Absence", apology, False))
    # 2. Declarations
    substantive_n = rng.randrange(3, 6)
    if rng.random() < 0.2:
        declarer = rng.choice(present)
        item = rng.randrange(4, 4 + substantive_n)
        decl = [f"County Councillor {declarer.initial} declared a non-pecuniary interest in item {item} "
                f"as a governor of {filler.place()} Primary School."]
    else:
        decl = ["There were no declarations of interest at this time."]
    items.append(("Disclosure of Pecuniary and Non-Pecuniary Interests", decl, False))
    # 3. Previous minutes
    if previous is not None:
        prev = long_date(previous, weekday=False)
        items.append((f"Minutes of the Meeting held on {prev}",
                      [f"Resolved: That the minutes of the meeting held on {prev} be confirmed and signed by "
                       "the Chair."],
                      False))
    # substantive items
    topics = [t for t in body.topics if _topic_allowed(t, d)] or ["performance"]
    chosen: list[str] = []
    for _ in range(substantive_n):
        options = [t for t in topics if t not in chosen or t == "planning"] or topics
        chosen.append(rng.choice(options))
    fillable: list[tuple[list[str], str]] = []  # substantive items' text, to lengthen a short document
    for topic in chosen:
        holder = officer_for(world, rng.choice(officer_titles), d)
        if topic == "planning":
            title, text = _planning_item(world, filler, rng, present, holder)
            items.append((title, text, False))
            fillable.append((text, topic))
            continue
        title = filler.fill(rng.choice(TOPICS[topic]["titles"]))
        text = [f"{holder.full}, {holder.title}, {rng.choice(('presented', 'introduced'))} the report "
                f"'{title}'{rng.choice(('', ' circulated with the agenda', ', which set out the position to date'))}."]
        paras = _paragraphs(world, filler, topic, rng.randrange(4, 8))
        if topic in ("strategy", "budget") and d.year >= 2021 and rng.random() < 0.2:
            paras.append(filler.fill("The UK Shared Prosperity Fund, which replaced EU structural funds after Brexit, "
                                     "would provide £{m}m for projects in {place} and {place2}."))
        text += paras
        if rng.random() < 0.4:
            asker = rng.choice(present)
            text.append(f"County Councillor {asker.initial} asked about the position in {filler.place()}, and "
                        f"it was agreed that a written response would be provided.")
        if rng.random() < 0.15:
            text.append("Information was provided to members on the following:")
            text.append("")
            for _ in range(rng.randrange(2, 5)):
                point = rng.choice(("progress in {place}", "the position in {district}", "spend of £{k},000 to date",
                                    "the {fy} targets"))
                text.append(f"- {filler.fill(point)};")
        text.append("")
        text += _resolution(rng, filler, topic, body.name)
        items.append((title, text, False))
        fillable.append((text, topic))
    if rng.random() < 0.6:
        items.append(("Urgent Business", ["There were no items of urgent business."], False))
    if following is not None:
        items.append(("Date of Next Meeting",
                      [f"The next meeting of the {body.name if rng.random() < 0.5 else 'Committee'} will be held on "
                       f"{long_date(following)} at {meeting.time} at {meeting.venue}."], False))
    # occasionally Part II
    if rng.random() < 0.08 and len(items) <= 8:
        items.append(("Exclusion of the Press and Public", [
            "Resolved: That the press and public be excluded from the meeting during consideration of the following "
            "item of business on the grounds that there would be a likely disclosure of exempt information as defined "
            "in paragraph 3 of Part 1 of Schedule 12A to the Local Government Act 1972."], False))
        exempt_title = filler.fill(rng.choice(EXEMPT_TITLES))
        items.append((exempt_title, [
            "Part II (Not Open to Press and Public)", "",
            "Exempt information as defined in paragraph 3 of Part 1 of Schedule 12A to the Local Government Act 1972.",
            "", f"The Committee considered the confidential report on the {exempt_title.lower()}, including the "
            f"financial terms offered by {rng.choice(FIRMS)}.", "",
            "Resolved: That the recommendations set out in the report be approved."], True))
    # keep 6-10 items (add procedural ones / trim substantive ones)
    while len(items) < 6:
        items.insert(len(items) - (1 if following is not None else 0),
                     ("Any Other Business", ["There was no other business."], False))
    while len(items) > 10:
        del items[3]
    # at least ~5 kB: more discussion in the substantive items still on the agenda
    kept = [(paras, topic) for paras, topic in fillable if any(paras is b for _, b, _ in items)]

    def size() -> int:
        return sum(len(x) + 1 for x in lines) + sum(len(t) + 6 + sum(len(x) + 2 for x in b) for t, b, _ in items)

    while kept and size() < min_bytes:
        paras, topic = rng.choice(kept)
        at = next(i for i, line in enumerate(paras) if line.startswith("Resolved"))
        more = _paragraphs(world, filler, topic, 1)
        if not more:
            break
        paras.insert(at - 1, more[0])

    for number, (title, paras, _exempt) in enumerate(items, start=1):
        lines += [f"{number}. {title}", ""]
        for para in paras:
            lines.append(para)
            if para and not para.startswith("- ") and not para.endswith(":"):
                lines.append("")
        if lines[-1] != "":
            lines.append("")
    lines += [signer.initial, signer.title or "Monitoring Officer", "", "County Hall", TOWN, ""]
    document = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)) + "\n"
    expected = {
        "kind": ["minutes"], "body": COUNCIL, "committee": body.name, "date": d.isoformat(),
        "start_time": _clock(meeting.time), "venue": meeting.venue,
        "chair": chair.full, "present": [p.full for p in present],
        "apologies": [p.full for p in apologies], "officers": [o.full for o in officers],
        "items": [{"number": str(i), "title": t, "exempt": e} for i, (t, _, e) in enumerate(items, start=1)],
        "next_meeting": following.isoformat() if following else None,
    }
    return document, expected


def _clock(text: str) -> str:
    time, ampm = text.split()
    hour, minute = (int(x) for x in time.split("."))
    if ampm == "pm" and hour != 12:
        hour += 12
    return f"{hour:02d}:{minute:02d}"


def world_councillors_serving(world: World, d: dt.date) -> list[Person]:
    return [world.councillors[i] for i in world.terms[serving_term(d)]]


_MEMBERS: dict[tuple[str, int], list[Person]] = {}


def committee_members(world: World, body: Body, d: dt.date) -> list[Person]:
    """A body's members for the term (the first is the chair); QUERY_SURNAME sits on Cabinet and Planning."""
    term = serving_term(d)
    key = (body.name, term)
    if key not in _MEMBERS:
        rng = random.Random(f"{world.seed}|{body.name}|{term}")
        serving = world.terms[term]
        chosen = rng.sample([i for i in serving if i != 0], body.size)
        if body.name in ("Cabinet", "Planning Committee"):
            chosen = [chosen[0], 0, *chosen[1:-1]]  # a member, not the chair
        _MEMBERS[key] = [world.councillors[i] for i in chosen]
    return _MEMBERS[key]


def start_archive(out_dir: Path, meetings: list[Meeting]) -> dict[str, list[dt.date]]:
    """Empty out_dir of earlier documents; return each body's meeting dates, in order."""
    out_dir.mkdir(parents=True, exist_ok=True)
    for old in sorted(out_dir.glob("*.txt")):
        old.unlink()
    by_body: dict[str, list[dt.date]] = {}
    for m in meetings:
        by_body.setdefault(m.body.name, []).append(m.date)
    return by_body


def neighbours(meeting: Meeting, by_body: dict[str, list[dt.date]],
               rng: random.Random) -> tuple[dt.date, dt.date | None]:
    """The body's previous meeting (40-70 days earlier when that is before the archive) and its next one in it."""
    dates = by_body[meeting.body.name]
    at = dates.index(meeting.date)
    previous = dates[at - 1] if at > 0 else meeting.date - dt.timedelta(days=rng.randrange(40, 70))
    return previous, dates[at + 1] if at + 1 < len(dates) else None


def slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def generate(n: int, out_dir: Path, seed: int = 1) -> tuple[list[Path], list[dict[str, Any]]]:
    """Write N documents into out_dir (its earlier .txt files are removed); return paths and expected facts."""
    _MEMBERS.clear()
    world = make_world(seed)
    rng = random.Random(seed * 7919 + n)
    meetings = schedule(n, rng)
    by_body = start_archive(out_dir, meetings)
    paths: list[Path] = []
    expected: list[dict[str, Any]] = []
    for index, meeting in enumerate(meetings):
        previous, following = neighbours(meeting, by_body, rng)
        if following is None and meeting.date >= LAST_DATE - dt.timedelta(days=120):
            # a body's newest meeting names its next one, after the archive ends
            following = meeting.date + dt.timedelta(days=rng.randrange(28, 70))
            while following.weekday() >= 5:
                following += dt.timedelta(days=1)
        signer = officer_for(world, "Monitoring Officer", meeting.date)
        text, facts = write_meeting(world, meeting, previous, following, rng, signer)
        name = f"{index:05d}_{meeting.date.isoformat()}_{slug(meeting.body.name)}.txt"
        path = out_dir / name
        path.write_text(text, encoding="utf-8")
        facts["source"] = name
        paths.append(path)
        expected.append(facts)
    return paths, expected


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("n", type=int, help="number of meetings")
    parser.add_argument("out_dir", type=Path, help="folder to write the .txt documents into")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--expected", type=Path,
                        help="also write the facts each document states (score_fields.py format)")
    args = parser.parse_args(argv)
    if args.n < 1:
        parser.error("N must be at least 1")
    paths, expected = generate(args.n, args.out_dir, args.seed)
    sizes = [p.stat().st_size for p in paths]
    years = sorted({e["date"][:4] for e in expected})
    bodies = len({e["committee"] for e in expected})
    if args.expected:
        args.expected.parent.mkdir(parents=True, exist_ok=True)
        args.expected.write_text(json.dumps(expected, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {len(paths)} meetings to {args.out_dir}/: {sum(sizes) / 1e6:.1f} MB, "
          f"{min(sizes) / 1e3:.1f}-{max(sizes) / 1e3:.1f} kB each "
          f"(median {sorted(sizes)[len(sizes) // 2] / 1e3:.1f} kB), "
          f"{bodies} committees, {years[0]}-{years[-1]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
